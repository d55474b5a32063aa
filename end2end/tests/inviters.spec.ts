import { test, expect } from '@playwright/test';
import {
  adminCall, adminPage, createAdminByCli, createInvitation, enroll, fresh, readLink, ready, verifyEmail,
} from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

const FLOW = 'invitation-enrollment-flow-external';

/** `days` ahead, UTC, as a datetime-local input takes it. */
function utcInput(days: number) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16);
}

// Issue 17 items 1 and 2: an admin gives a role an inviter policy in Directory → Roles; a member holding
// it invites someone from their own page, within the policy (a public link is refused, by name); the
// invitee enrolls with the granted role; the member sees who used it.
test('a team lead invites within the policy from their own page', async ({ page, browser }) => {
  await adminPage(page);
  await adminCall(page, 'admin/roles/create', { name: 'lead-e2e' });
  await adminCall(page, 'admin/roles/create', { name: 'helper-e2e' });
  await page.goto('/admin/roles');
  await ready(page);
  const row = page.locator('table.inviter-policies tr[data-role="lead-e2e"]');
  await expect(row.locator('.policy-summary')).toHaveText('Its members may not invite.');
  await row.locator('button:has-text("Edit policy")').click();
  await page.fill('#policy-flows', 'no-such-flow');
  await page.click('#inviter-policy-save');
  await expect(page.locator('.field-error[data-field="flows"]')).toContainText("No flow has the slug 'no-such-flow'.");
  await page.fill('#policy-flows', FLOW);
  await page.fill('#policy-roles', 'helper-e2e');
  await page.fill('#policy-domains', 'company.com');
  await page.fill('#policy-expiry', '14');
  await page.fill('#policy-quota', '3');
  await page.fill('#policy-per-window', '5');
  await page.click('#inviter-policy-save');
  await expect(row.locator('.policy-summary')).toContainText('at most 14 days, 3 uses per invitation, 5 invitations per 30 days');

  // Lena, the team lead, gets her account (and the two roles) through an admin's invitation.
  await page.goto('/admin/invitations');
  await ready(page);
  await createInvitation(page, 'lena-account', '', { roles: ['lead-e2e', 'helper-e2e'] });
  const lena = await fresh(browser);
  await lena.page.goto(await readLink(page, 'lena-account'));
  await enroll(lena.page, 'lena', 'lena@company.com', 'lena-password-1');
  await expect(lena.page.getByTestId('profile-roles')).toHaveText('helper-e2e, lead-e2e');

  await lena.page.goto('/if/user/invitations');
  await ready(lena.page);
  await expect(lena.page.locator('h1')).toHaveText('Your invitations');
  // A public link is not hers to make.
  await lena.page.fill('#mine-name', 'lena-public');
  await lena.page.fill('#mine-emails', '');
  await lena.page.fill('#mine-expires', utcInput(7));
  await lena.page.click('#mine-save');
  await expect(lena.page.locator('.field-error[data-field="emails"]')).toContainText('does not allow public invitations');
  // Within the policy.
  await lena.page.fill('#mine-name', 'lena-invites-ivo');
  await lena.page.fill('#mine-emails', '*@company.com');
  await lena.page.check('#mine-role-helper-e2e');
  await lena.page.click('#mine-save');
  const mine = lena.page.locator('table.mine tr[data-name="lena-invites-ivo"]');
  await expect(mine).toBeVisible();
  const link = await mine.locator('input.link-field').inputValue();
  expect(link).toContain(`/if/flow/${FLOW}/?itoken=`);

  const ivo = await fresh(browser);
  await ivo.page.goto(link);
  await enroll(ivo.page, 'ivo', 'ivo@company.com', 'ivo-password-1');
  // An email-limited invitation: Ivo proves the address first.
  await verifyEmail(ivo.page, 'ivo@company.com');
  await expect(ivo.page.getByTestId('profile-roles')).toHaveText('helper-e2e');
  await ivo.context.close();

  await lena.page.reload();
  await ready(lena.page);
  await expect(mine.locator('td.used-by')).toHaveText('ivo');
  await lena.context.close();
});
