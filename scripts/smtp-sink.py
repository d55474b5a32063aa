#!/usr/bin/env python3
"""A real SMTP server for Usher's tests (aiosmtpd): accepts every message on 127.0.0.1:PORT and writes each
one as a JSON file {mail_from, rcpt_tos, data} into DIR. Runs until killed."""
import argparse, json, os, time, uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf8", errors="replace"),
        }
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.json"
        tmp = os.path.join(self.directory, "." + name)
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    c = Controller(Sink(a.dir), hostname="127.0.0.1", port=a.port)
    c.start()
    print(f"smtp sink on 127.0.0.1:{a.port}", flush=True)
    while True:  # until killed
        time.sleep(3600)


if __name__ == "__main__":
    main()
