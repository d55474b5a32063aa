#!/usr/bin/env python3
"""Enrollment flood (issue 35 item 2, scripts/load.sh scenario 2), loopback only: CONCURRENCY threads post
the external flow's prompt stage with a fresh username and a password each, through a trusted proxy's
X-Forwarded-For (a new client network every few posts), for SECONDS; half of the threads hang up 50 ms after
sending, before the answer (what filled the blocking threads and memory before the fix). Prints one line:
RESULT answered=… hung_up=… ok=… s429=… s503=… bad=… (bad: any 5xx but a 503 with Retry-After)

usage: enroll_flood.py BASE_URL FLOW_SLUG ITOKEN CONCURRENCY SECONDS
"""
import http.client
import socket
import sys
import threading
import time
import urllib.parse

BASE, SLUG, TOKEN, CONCURRENCY, SECONDS = (
    sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
URL = urllib.parse.urlsplit(BASE)
assert URL.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
lock = threading.Lock()
counts = {"answered": 0, "hung_up": 0, "ok": 0, "s429": 0, "s503": 0, "bad": 0}
sequence = [0]


def body(n):
    user = f"flood{n}x{threading.get_ident() % 100000}"
    return urllib.parse.urlencode({
        "slug": SLUG, "itoken": TOKEN, "stage": "1",
        "fields[username]": user, "fields[name]": user, "fields[email]": f"{user}@example.org",
        "fields[password]": "flood-s3cret-pass", "fields[password_repeat]": "flood-s3cret-pass",
    })


def request(n):
    data = body(n)
    # A new client network every 4 posts: the per-network budget alone does not stop the flood.
    net = n // 4
    return (
        f"POST /api/flow/submit HTTP/1.1\r\nHost: {URL.netloc}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n"
        f"X-Forwarded-For: 10.{(net >> 16) & 255}.{(net >> 8) & 255}.{net & 255}\r\n"
        f"Origin: {BASE}\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n{data}"
    ).encode()


def next_n():
    with lock:
        sequence[0] += 1
        return sequence[0]


def hang_up(deadline):
    while time.time() < deadline:
        s = socket.create_connection((URL.hostname, URL.port), timeout=5)
        s.sendall(request(next_n()))
        time.sleep(0.05)
        s.close()
        with lock:
            counts["hung_up"] += 1


def answered(deadline):
    while time.time() < deadline:
        c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
        n = next_n()
        data = body(n)
        net = n // 4
        try:
            c.request("POST", "/api/flow/submit", data, {
                "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                "X-Forwarded-For": f"10.{(net >> 16) & 255}.{(net >> 8) & 255}.{net & 255}",
                "Origin": BASE})
            r = c.getresponse()
            r.read()
            status, retry = r.status, r.getheader("Retry-After")
        except OSError:
            status, retry = 599, None
        finally:
            c.close()
        with lock:
            counts["answered"] += 1
            if status < 400:
                counts["ok"] += 1
            elif status == 429:
                counts["s429"] += 1
            elif status == 503 and retry:
                counts["s503"] += 1
            elif status >= 500:
                counts["bad"] += 1


deadline = time.time() + SECONDS
threads = [threading.Thread(target=hang_up if i % 2 else answered, args=(deadline,))
           for i in range(CONCURRENCY)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("RESULT " + " ".join(f"{k}={v}" for k, v in counts.items()))
