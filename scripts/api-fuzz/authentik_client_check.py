"""Reads Usher's REST API with authentik's own Python client (PyPI `authentik-client`), as an
authentik user's scripts would (issue 14 item 4): the invitations list and the events list must parse
into the client's models, including the events of Usher's own actions (shown as authentik's `custom_`,
their name in `context.action`).

    python3 authentik_client_check.py API_URL TOKEN
"""
import json
import sys

import authentik_client
from authentik_client.models.event_actions import EventActions
from authentik_client.models.invitation_send_email_request import InvitationSendEmailRequest

api_url, token = sys.argv[1], sys.argv[2]
config = authentik_client.Configuration(host=api_url, access_token=token)
with authentik_client.ApiClient(config) as client:
    stages = authentik_client.StagesApi(client)
    invitations = stages.stages_invitation_invitations_list(page_size=5)
    assert invitations.results, "the seeded invitations are listed"
    first = invitations.results[0]
    # One of Usher's own actions: an invitation emailed (queued) records `invitation_sent`.
    stages.stages_invitation_invitations_send_email_create(
        first.pk,
        InvitationSendEmailRequest(email_addresses=["client-check@example.com"]),
    )
    events = authentik_client.EventsApi(client)
    page = events.events_events_list(page_size=100, ordering="-created")
    assert page.pagination.count >= len(page.results) > 0
    actions = {e.action for e in page.results}
    assert EventActions.MODEL_CREATED in actions, actions
    sent = [
        e
        for e in page.results
        if e.action == EventActions.CUSTOM and (e.context or {}).get("action") == "invitation_sent"
    ]
    assert sent, "the invitation_sent event parses as custom_ with its name in the context"
    assert "client-check@example.com" in {(e.context or {}).get("to") for e in sent}
    # Filters by authentik's names, and by Usher's own.
    created = events.events_events_list(action="model_created", page_size=5)
    assert all(e.action == EventActions.MODEL_CREATED for e in created.results)
    own = events.events_events_list(action="invitation_sent", page_size=5)
    assert own.results and all(e.action == EventActions.CUSTOM for e in own.results)
    # An event by an API token names the token's pk (`context.token`), never its secret.
    for e in page.results:
        assert token not in json.dumps(e.context or {}), e
print(f"authentik-client {authentik_client.__version__}: {len(invitations.results)} invitations and "
      f"{len(page.results)} events parsed ({len(sent)} invitation_sent as custom_)")
