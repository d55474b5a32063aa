#!/usr/bin/env python3
"""Enrollment load (issue 13, P2): CONCURRENCY threads each enroll new accounts through a public
invitation link for SECONDS, the way a browser without JavaScript does: GET the link, fill the form it
serves (the fields it names), POST it, follow the redirect to the next stage, until the flow leaves the
flow page (the account exists and is signed in). Loopback only. Prints one line:
RESULT enroll accounts_per_s=… ok=… failed=… p50_ms=… p99_ms=… client_cpu_ms=… (this client's CPU per account)

usage: enroll.py LINK CONCURRENCY SECONDS
Each enrollment comes from its own client address through X-Forwarded-For (the server must trust the
loopback proxy, USHER_TRUSTED_PROXIES=127.0.0.1/32), as many invitees from many networks would.
"""
import html
import http.client
import re
import sys
import threading
import time
import urllib.parse

LINK, CONCURRENCY, SECONDS = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
URL = urllib.parse.urlsplit(LINK)
assert URL.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
FORM = re.compile(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(r'<input([^>]*)>')
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
lock = threading.Lock()
durations, failures = [], []
counter = [0]


def values(n):
    user = f"bench{n}x{threading.get_ident() % 100000}"
    return {
        "username": user,
        "name": f"Bench {n}",
        "email": f"{user}@example.org",
        "password": "bench-s3cret-pass",
        "password_repeat": "bench-s3cret-pass",
    }


def enroll(conn, n):
    cookie = ""
    ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
    target = URL.path + ("?" + URL.query if URL.query else "")
    for _ in range(8):
        headers = {"X-Forwarded-For": ip}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", target, headers=headers)
        r = conn.getresponse()
        page = r.read().decode()
        if r.status != 200:
            raise RuntimeError(f"GET {target}: {r.status}")
        # The stage's own form (the page may hold others, such as "sign in to accept").
        forms = [(html.unescape(a), b) for a, b in FORM.findall(page) if a.endswith("/flow/submit")]
        if not forms:
            raise RuntimeError("no stage form on the flow page")
        action, body = forms[0]
        form = []
        for attrs in INPUT.findall(body):
            a = dict(ATTR.findall(attrs))
            name = html.unescape(a.get("name", ""))
            if not name:
                continue
            field = re.fullmatch(r"fields\[(.+)\]", name)
            if field:
                form.append((name, values(n).get(field.group(1), a.get("value", "x"))))
            else:
                form.append((name, html.unescape(a.get("value", ""))))
        # What a browser sends with a plain form: it accepts HTML and names the page it left.
        origin = f"{URL.scheme}://{URL.netloc}"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html",
                   "Origin": origin, "Referer": origin + target, "X-Forwarded-For": ip}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("POST", action, body=urllib.parse.urlencode(form), headers=headers)
        r = conn.getresponse()
        r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                cookie = v.split(";", 1)[0]
        location = r.getheader("Location") or ""
        if r.status not in (302, 303):
            raise RuntimeError(f"POST {action}: {r.status}")
        if "/if/flow/" not in location:
            return  # the flow is done: the account exists and is signed in
        target = location
    raise RuntimeError("the flow did not end in 8 stages")


def worker(until):
    conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    while time.monotonic() < until:
        with lock:
            counter[0] += 1
            n = counter[0]
        t = time.monotonic()
        try:
            enroll(conn, n)
            with lock:
                durations.append(time.monotonic() - t)
        except Exception as e:  # noqa: BLE001 - counted and reported
            with lock:
                failures.append(str(e))
            conn.close()
            conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)


start = time.monotonic()
cpu = time.process_time()
until = start + SECONDS
threads = [threading.Thread(target=worker, args=(until,)) for _ in range(CONCURRENCY)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - start
# The client shares the cores with the server: its own CPU time per account is reported beside.
client_ms = 1000 * (time.process_time() - cpu) / max(1, len(durations))
durations.sort()
pct = lambda q: 1000 * durations[min(len(durations) - 1, int(q * len(durations)))] if durations else 0
if failures:
    print("failures:", sorted(set(failures))[:5], file=sys.stderr)
print(f"RESULT enroll accounts_per_s={len(durations) / elapsed:.1f} ok={len(durations)} "
      f"failed={len(failures)} p50_ms={pct(0.5):.0f} p99_ms={pct(0.99):.0f} client_cpu_ms={client_ms:.1f}")
