"""schemathesis hooks for scripts/api-fuzz.sh.

An invitation's `name` must be unused, which no schema can say: generated names repeat (`0`, `A`, ...), so
most creates and renames would be refused as "An invitation with this name already exists." and never reach
the rest of the handler. A name the schema admits (a slug of at most 50) gets a suffix unique in the run,
still a slug of at most 50; any other name (the negative cases) is sent as generated.
"""

import itertools
import re

import schemathesis

SLUG = re.compile(r"[-A-Za-z0-9_]{1,50}")
COUNTER = itertools.count(1)


@schemathesis.hook
def before_call(context, case, kwargs):
    """Makes a valid generated `name` unique before the request is sent."""
    body = case.body
    if case.method.upper() not in ("POST", "PUT", "PATCH") or not isinstance(body, dict):
        return
    name = body.get("name")
    if isinstance(name, str) and SLUG.fullmatch(name.strip()):
        suffix = f"-{next(COUNTER)}"
        body["name"] = name.strip()[: 50 - len(suffix)] + suffix
