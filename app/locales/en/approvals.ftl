# Usher's message catalogue, English: approval of an invitation's use (issue 17 item 3).

approval-status-pending = Pending
approval-status-approved = Approved
approval-status-denied = Denied
approval-status-expired = Expired
err-approval-decided = This request was decided already: { $status }.
err-approval-reason-required = Give a reason: the invitee is told why they were denied.
err-approval-reason-too-long = Keep the reason under { $n } characters.
err-approval-unknown-decision = Choose Approve or Deny.
err-notfound-approval = No such approval request.

## Emails
approval-mail-username = Username: { $username }
approval-mail-expires = Undecided, it is denied on { $expires }.
approval-mail-request-subject = Approval needed: { $username }
approval-mail-request-headline = { $username } used the invitation { $invitation } from { $inviter }; their access waits for your approval.
approval-mail-review = Review and decide
approval-mail-request-why = You get this message because you are an administrator. Opening the link changes nothing: you decide on the page.
approval-mail-approved-subject = Your access was approved
approval-mail-approved-headline = Your request through the invitation { $invitation } was approved. You can sign in now.
approval-mail-reason = Reason: { $reason }
approval-mail-sign-in = Sign in
approval-mail-denied-subject = Your access was denied
approval-mail-denied-headline = Your request through the invitation { $invitation } was denied.
approval-mail-expired-subject = Your request expired
approval-mail-expired-headline = Your request through the invitation { $invitation } was not decided in time and is closed. Ask the person who invited you.
approval-mail-decided-why = You get this message because you used an invitation that needs an approver's yes.

## Invitation timeline and editor
timeline-approval-requested = { $who } used it; their access waits for approval
timeline-approval-approved = { $who } approved { $username }
timeline-approval-denied = { $who } denied { $username }: { $reason }
timeline-approval-expired = The request of { $username } expired undecided
inv-editor-approval = Uses wait for an approver (Directory → Approvals)

## The invitee's page
pending-title = Waiting for approval
pending-body = Your request was received. Before you get access, an approver must confirm it; nothing is granted until then.
pending-next = We will email you once it is decided. You cannot sign in with a new account before.
pending-next-no-mail = Ask the person who invited you whether it was decided; once approved, you can sign in.

## The approver's confirmation page
approval-title = Approval request
approval-sign-in = Sign in to review it
approval-kind-enrolled = A new account
approval-kind-joined = An existing account
approval-grants-none = Nothing beyond the account
approval-summary = { $username } used the invitation { $invitation } from { $inviter }.
approval-field-username = Username
approval-field-email = Email
approval-field-kind = Account
approval-field-grants = Approval grants
approval-field-requested = Requested
approval-field-status = Status
approval-field-decided-by = Decided by
approval-field-reason = Reason
approval-reason-deprovisioned = The invitation's accounts were deprovisioned.
approval-expires-at = If still undecided, it is denied at
approval-reason-label = Reason (told to the invitee; needed to deny)
approval-approve = Approve
approval-deny = Deny
approval-all = All approval requests

## Directory → Approvals
admin-nav-approvals = Approvals
approvals-title = Approvals
approvals-intro = Uses of invitations that require approval wait here: nothing is granted, and a new account cannot sign in, until an approver says yes.
approvals-empty = No approval requests.
approvals-col-account = Account
approvals-col-invitation = Invitation
approvals-col-invited-by = Invited by
approvals-col-grants = Grants
approvals-col-requested = Requested
approvals-col-status = Status
approvals-col-actions = Actions
approvals-review = Review { $username }
approvals-open = Open { $username }
