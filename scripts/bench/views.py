#!/usr/bin/env python3
"""A burst of landing views (issue 14, P7): THREADS threads GET an invitation's link, COUNT times in all,
each over its own keep-alive connection, the way link previews and invitees open it. Loopback only.
Prints one line: RESULT views ok=… other=… per_s=…

usage: views.py LINK COUNT THREADS
"""
import http.client
import sys
import threading
import time
import urllib.parse

LINK, COUNT, THREADS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
URL = urllib.parse.urlsplit(LINK)
assert URL.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
PATH = URL.path + ("?" + URL.query if URL.query else "")
lock = threading.Lock()
left = [COUNT]
ok = [0]
other = [0]


def take():
    with lock:
        if left[0] == 0:
            return False
        left[0] -= 1
        return True


def worker():
    conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    while take():
        conn.request("GET", PATH)
        r = conn.getresponse()
        r.read()
        with lock:
            if r.status == 200:
                ok[0] += 1
            else:
                other[0] += 1
        if r.getheader("connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    conn.close()


start = time.monotonic()
threads = [threading.Thread(target=worker) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - start
print(f"RESULT views ok={ok[0]} other={other[0]} per_s={COUNT / elapsed:.0f}")
