import { test, expect } from '@playwright/test';
import {
  ADMIN, adminCall, adminPage, createAdminByCli, createInvitation, enroll, fresh, mailsTo, readLink, ready,
  signIn, unfold, verifyEmail,
} from './helpers';
import { axeInEveryMode } from './axe';

test.beforeAll(() => {
  createAdminByCli();
});

const FLOW = 'invitation-enrollment-flow-external';

/** `days` ahead, UTC, as a datetime-local input takes it. */
function utcInput(days: number) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16);
}

// Issue 17 item 3: a team lead whose policy requires approval invites from their own page; the invitee
// enrolls and sees "waiting for approval" (and cannot sign in); the approver follows the emailed link,
// approves on the confirmation page; the invitee is told, signs in and has the role.
test('an invitee waits for approval, the approver approves from the emailed link', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await adminPage(page);
  await adminCall(page, 'admin/roles/create', { name: 'lead-appr' });
  await adminCall(page, 'admin/roles/create', { name: 'member-appr' });
  const roles = await adminCall(page, 'admin/roles/list', {});
  const lead = roles.find((r: any) => r.name === 'lead-appr');
  await adminCall(page, 'admin/roles/set_inviter_policy', {
    pk: lead.pk,
    policy: {
      flows: [FLOW], roles: ['member-appr'], groups: [], email_domains: ['appr.example'],
      allow_public: false, max_expiry_days: 14, max_quota: 3, per_30_days: 5, requires_approval: true,
    },
  });

  // Theo, the team lead, gets his account (and both roles) through an admin's invitation.
  await page.goto('/admin/invitations');
  await ready(page);
  await createInvitation(page, 'theo-account', '', { roles: ['lead-appr', 'member-appr'] });
  const theo = await fresh(browser);
  await theo.page.goto(await readLink(page, 'theo-account'));
  await enroll(theo.page, 'theo', 'theo@appr.example', 'theo-password-1');
  await expect(theo.page.getByTestId('profile-roles')).toHaveText('lead-appr, member-appr');

  // The profile links to his invitations page.
  await theo.page.click('#my-invitations');
  await expect(theo.page).toHaveURL(/\/if\/user\/invitations$/);
  await ready(theo.page);
  await axeInEveryMode(browser, 'the inviter\'s page', p => p.goto('/if/user/invitations'), await theo.context.storageState());
  await theo.page.fill('#mine-name', 'theo-invites-uma');
  await theo.page.fill('#mine-emails', '*@appr.example');
  await theo.page.fill('#mine-expires', utcInput(7));
  await theo.page.check('#mine-role-member-appr');
  await theo.page.click('#mine-save');
  const mine = theo.page.locator('table.mine tr[data-name="theo-invites-uma"]');
  await expect(mine).toBeVisible();
  const link = await mine.locator('input.link-field').inputValue();
  await theo.context.close();

  // Uma enrolls: her address is proven, then she waits.
  const uma = await fresh(browser);
  await uma.page.goto(link);
  await enroll(uma.page, 'uma', 'uma@appr.example', 'uma-password-1');
  await verifyEmail(uma.page, 'uma@appr.example');
  await expect(uma.page).toHaveURL(/\/if\/pending\/$/);
  await expect(uma.page.locator('h1')).toHaveText('Waiting for approval');
  await axeInEveryMode(browser, 'the pending page', p => p.goto('/if/pending/'), await uma.context.storageState());
  // No sign-in before approval.
  await signIn(uma.page, 'uma', 'uma-password-1');
  await expect(uma.page.locator('[role="alert"]')).toBeVisible();
  await expect(uma.page).toHaveURL(/\/login/);

  // The approver's email links to the confirmation page; opening it decides nothing.
  await expect.poll(() => mailsTo(ADMIN.email).map(m => unfold(m.data)).filter(t => t.includes('Approval needed: uma')).length,
    { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const mail = mailsTo(ADMIN.email).map(m => unfold(m.data)).filter(t => t.includes('Approval needed: uma'))[0];
  const approval = mail.match(/\/if\/approval\/[0-9a-f-]{36}/)![0];
  // Directory → Approvals lists it as pending.
  await page.goto('/admin/approvals');
  await ready(page);
  const row = page.locator('#approvals-table tr[data-username="uma"]');
  await expect(row.locator('td.status')).toHaveText('Pending');
  await expect(row).toContainText('member-appr');
  await axeInEveryMode(browser, 'Directory → Approvals', p => p.goto('/admin/approvals'), await page.context().storageState());

  await page.goto(approval);
  await ready(page);
  await expect(page.locator('#approval-username')).toHaveText('uma');
  await expect(page.locator('#approval-status')).toHaveText('Pending');
  await expect(page.locator('#approval-grants')).toHaveText('member-appr');
  await axeInEveryMode(browser, 'the confirmation page', p => p.goto(approval), await page.context().storageState());
  // Denying needs a reason: refused, nothing decided.
  await page.click('#deny');
  await expect(page.locator('.field-error[data-field="reason"]')).toContainText('Give a reason');
  await page.goto(approval);
  await ready(page);
  await expect(page.locator('#approval-status')).toHaveText('Pending');
  await page.click('#approve');
  await expect(page.locator('#approval-status')).toHaveText('Approved');
  await expect(page.locator('#approve')).toHaveCount(0);

  // Uma is told, signs in, and has the role.
  await expect.poll(() => mailsTo('uma@appr.example').map(m => unfold(m.data)).filter(t => t.includes('Your access was approved')).length,
    { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  await signIn(uma.page, 'uma', 'uma-password-1');
  await expect(uma.page.getByTestId('profile-roles')).toHaveText('member-appr');
  await uma.context.close();

  await page.goto('/admin/approvals');
  await ready(page);
  await expect(page.locator('#approvals-table tr[data-username="uma"] td.status')).toHaveText('Approved');
});
