"""schemathesis hooks for scripts/api-fuzz.sh.

An invitation's or a campaign's `name` must be unused, which no schema can say: generated names repeat
(`0`, `A`, ...), so most creates and renames would be refused as "An invitation with this name already
exists." and never reach the rest of the handler. A name the schema admits (a slug of at most 50, or 36 for
a campaign) gets a suffix unique in the run, still a slug within its length; any other name (the negative
cases) is sent as generated.

A campaign's definition also has rules between its fields and the clock that no schema can say: `expires`
must be in the future, `not_before` before it, and `reminder_days` needs an `expires`. In a generated
campaign body whose times parse, a past expiry is moved 30 days ahead, a `not_before` not before the
expiry is dropped, and reminders without an expiry get one; malformed values are sent as generated.
"""

import itertools
import re
from datetime import datetime, timedelta, timezone

import schemathesis

SLUG = re.compile(r"[-A-Za-z0-9_]+")
COUNTER = itertools.count(1)
# Longest names: an invitation's, and a campaign's (its recipients' invitations are named after it).
MAX_NAME = 50
MAX_CAMPAIGN_NAME = 36


def _path(case):
    path = getattr(case, "path", None)
    if path is None:
        path = getattr(getattr(case, "operation", None), "path", "")
    return path or ""


def _when(value):
    """A generated date-time as an aware datetime, or None when it is not one Python reads."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when


def _text(when):
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _keep_campaign_rules(body):
    now = datetime.now(timezone.utc)
    expires = _when(body.get("expires"))
    if expires is not None and expires <= now + timedelta(minutes=5):
        expires = now + timedelta(days=30)
        body["expires"] = _text(expires)
    days = body.get("reminder_days")
    wants_reminders = isinstance(days, list) and any(
        isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in days
    )
    if wants_reminders and body.get("expires") is None:
        expires = now + timedelta(days=30)
        body["expires"] = _text(expires)
    not_before = _when(body.get("not_before"))
    if not_before is not None and expires is not None and not_before >= expires:
        body["not_before"] = None


@schemathesis.hook
def before_call(context, case, kwargs):
    """Makes a valid generated `name` unique, and keeps a campaign's rules between fields."""
    body = case.body
    if case.method.upper() not in ("POST", "PUT", "PATCH") or not isinstance(body, dict):
        return
    campaign = "/usher/campaigns" in _path(case)
    longest = MAX_CAMPAIGN_NAME if campaign else MAX_NAME
    name = body.get("name")
    if isinstance(name, str) and SLUG.fullmatch(name.strip()) and len(name.strip()) <= longest:
        suffix = f"-{next(COUNTER)}"
        body["name"] = name.strip()[: longest - len(suffix)] + suffix
    if campaign and "name" in body:
        _keep_campaign_rules(body)
