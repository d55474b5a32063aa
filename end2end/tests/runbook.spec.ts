import { test, expect } from '@playwright/test';
import {
  ADMIN, codesFor, createAdminByCli, createInvitation, enroll, ready, invitationRow, linkIn, mailsTo, readLink, signIn,
} from './helpers';

// The seed runbook ("Authentik: Create Invitation"), Mode 1, with an SMTP server (issue 34): an invitation
// whose custom attributes hold `email` is mailed by Usher, and the mailed link enrolls the invitee on the
// built-in flow (invitation → prompt → user write → user login) and signs them in. Runs before
// zz-blueprints.spec.ts, which replaces the built-in flows' stages. Mode 2 (link mode, no SMTP server) is
// in end2end/nomail/.
test.beforeAll(() => {
  createAdminByCli();
});

test('runbook Mode 1: an invitation with `email` in its custom attributes is mailed, and its link enrolls Jane', async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  // Directory → Invitations → Create: flow Invitation Enrollment, single use, `name` and `email`.
  await createInvitation(page, 'jane-smith-2026-03', 'name: Jane Smith\nemail: jane@example.com\n', {
    flowSlug: 'invitation-enrollment-flow-external',
  });

  // The invitee receives the message with the link.
  await expect.poll(() => mailsTo('jane@example.com').length, { timeout: 30_000 }).toBe(1);
  const mail = mailsTo('jane@example.com')[0];
  expect(mail.data).toContain("Subject: You've been invited to join Usher");
  const link = linkIn(mail.data);
  expect(link).toContain('/if/flow/invitation-enrollment-flow-external/?itoken=');
  expect(link).toBe(await readLink(page, 'jane-smith-2026-03'));

  // The link takes her through the enrollment flow: set username and password → signed in.
  const jane = await browser.newContext();
  const p = await jane.newPage();
  const res = await p.goto(link);
  expect(res?.status()).toBe(200);
  await ready(p);
  await expect(p.locator('#field-name')).toHaveValue('Jane Smith');
  await expect(p.locator('#field-email')).toHaveValue('jane@example.com');
  await expect(p.locator('.step')).toHaveCount(0);
  await expect(p.locator('#submit-stage')).toHaveText('Create account');
  await enroll(p, 'jsmith', 'jane@example.com');
  await expect(p).toHaveURL(/\/$/);
  await expect(p.getByTestId('profile-username')).toHaveText('jsmith');
  await expect(p.getByTestId('profile-name')).toHaveText('Jane Smith');
  await expect(p.getByTestId('profile-email')).toHaveText('jane@example.com');
  expect(codesFor('jane@example.com')).toHaveLength(0);
  await jane.close();

  // The dashboard row shows the use.
  await page.reload();
  await ready(page);
  const row = invitationRow(page, 'jane-smith-2026-03');
  await expect(row.getByTestId('uses')).toHaveText('1 / 1');
  await expect(row.getByTestId('status')).toHaveText('used up');
  await readLink(page, 'jane-smith-2026-03');
  await expect(row.locator('.ledger li[data-username="jsmith"]')).toContainText('enrolled');
});
