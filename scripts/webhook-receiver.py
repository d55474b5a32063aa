#!/usr/bin/env python3
"""A webhook receiver for Usher's tests (server/tests/webhooks.rs): an HTTP server on loopback that
verifies each POST's Standard Webhooks signature (https://www.standardwebhooks.com/) itself, with the
standard library, exactly as the spec says, and, when the PyPI package `standardwebhooks` is installed,
also with it. A verified delivery is appended to --out as one JSON line {id, type, pk, timestamp, body}
and answered --status (204 by default); a bad signature is answered 400 and not recorded.

  python3 scripts/webhook-receiver.py --port 8765 --secret whsec_... --out /tmp/received.jsonl
"""

import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from standardwebhooks.webhooks import Webhook as StandardWebhook  # type: ignore
except ImportError:  # the stdlib check alone is the spec
    StandardWebhook = None

TOLERANCE_SECS = 5 * 60


def verify(secret, headers, body):
    """The Standard Webhooks algorithm: HMAC-SHA256 keyed with base64-decode(secret minus "whsec_") over
    "{webhook-id}.{webhook-timestamp}.{body}", base64, compared with each "v1,<sig>" of the
    space-separated webhook-signature header; the timestamp within 5 minutes of now."""
    msg_id = headers.get("webhook-id")
    ts = headers.get("webhook-timestamp")
    sigs = headers.get("webhook-signature")
    if not msg_id or not ts or not sigs:
        return "missing webhook-id, webhook-timestamp or webhook-signature"
    try:
        ts_int = int(ts)
    except ValueError:
        return "webhook-timestamp is not an integer"
    if abs(time.time() - ts_int) > TOLERANCE_SECS:
        return "webhook-timestamp is too far from now"
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    signed = msg_id.encode() + b"." + ts.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for versioned in sigs.split(" "):
        version, _, sig = versioned.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return None
    return "no v1 signature matches"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):  # quiet
        pass

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        problem = verify(self.server.secret, headers, body)
        if problem is None and StandardWebhook is not None:
            try:
                StandardWebhook(self.server.secret).verify(body, headers)
            except Exception as e:  # noqa: BLE001 - any failure is a refusal
                problem = f"standardwebhooks: {e}"
        if problem is not None:
            sys.stderr.write(f"refused: {problem}\n")
            self.send_response(400)
            self.end_headers()
            self.wfile.write(problem.encode())
            return
        event = json.loads(body)
        line = {
            "id": headers["webhook-id"],
            "type": event.get("type"),
            "pk": (event.get("data") or {}).get("pk"),
            "timestamp": headers["webhook-timestamp"],
            "content_type": headers.get("content-type"),
            "library": StandardWebhook is not None,
            "body": event,
        }
        with open(self.server.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
        self.send_response(self.server.status)
        self.end_headers()
        if self.server.status >= 300:
            self.wfile.write(b"receiver told to fail")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--status", type=int, default=204)
    a = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.secret, server.out, server.status = a.secret, a.out, a.status
    server.serve_forever()


if __name__ == "__main__":
    main()
