import { test, expect, Browser } from '@playwright/test';
import * as path from 'node:path';
import { ADMIN, ROOT, createAdminByCli, createInvitation, fresh, ready, invitationRow, readLink, screenshot, signIn, verifyEmail } from './helpers';
import { PORTAL_URL } from '../playwright.config';

// Issue 6 in the browser: Flows & Stages → Flows → Import of authentik's example blueprint, example 5's
// link enrolling into engineering-team at users/internal/engineering; adding a user to a group in the
// directory; an external user landing on the default application (System → Brands).
// Runs last ("zz"): importing the example replaces the built-in flows' stages, as it would in authentik.
test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  createAdminByCli();
});

const BLUEPRINT = path.join(ROOT, 'server', 'tests', 'blueprints', 'flows-invitation-enrollment.yaml');


async function enrollTwoPages(page: import('@playwright/test').Page, username: string, email: string) {
  await ready(page);
  await page.fill('#field-username', username);
  await page.fill('#field-password', 'invitee-password-1');
  await page.fill('#field-password_repeat', 'invitee-password-1');
  await page.click('#submit-stage');
  await expect(page.locator('#field-email')).toBeVisible();
  await ready(page);
  await page.fill('#field-name', username);
  await page.fill('#field-email', email);
  await page.click('#submit-stage');
}

test('a blueprint imported in the UI runs: example 5 enrolls into engineering-team at users/internal/engineering', async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await page.goto('/admin/flows');
  await ready(page);
  await page.click('#import-toggle');
  await page.setInputFiles('#blueprint-file', BLUEPRINT);
  await expect(page.locator('#blueprint-yaml')).toHaveValue(/Invitation-based Enrollment/);
  await page.click('#blueprint-import');
  // It replaces built-in flows: the page names them and the admin confirms (issue 35 item 6).
  await expect(page.locator('#import-confirm')).toContainText('built-in flow');
  await page.click('#blueprint-confirm');
  await expect(page.locator('#import-result')).toContainText('Example - Invitation-based Enrollment');
  const eng = page.locator('tbody.flow[data-slug="invitation-enrollment-flow-internal-engineering"]');
  await expect(eng.getByTestId('stage-count')).toHaveText('5');
  await eng.locator('tr.summary').click();
  await expect(eng.locator('li[data-stage="invitation-enrollment-user-write-internal-engineering"]')).toContainText('users/internal/engineering');
  await screenshot(page, 'flows.png');

  // Its five example invitations are in the table; example 5's link enrolls.
  await page.goto('/admin/invitations');
  await ready(page);
  for (const name of ['example-external-basic-invitation', 'example-external-prefilled-email-invitation',
    'example-internal-prefilled-invitation', 'example-internal-department-invitation', 'example-engineering-team-invitation']) {
    await expect(invitationRow(page, name)).toBeVisible();
  }
  const link = await readLink(page, 'example-engineering-team-invitation');
  expect(link).toContain('/if/flow/invitation-enrollment-flow-internal-engineering/?itoken=');
  const v = await fresh(browser);
  await v.page.goto(link);
  await expect(v.page.locator('h1')).toHaveText('Welcome to the Engineering Team!');
  await enrollTwoPages(v.page, 'grace', 'grace@company.com');
  await expect(v.page.getByTestId('profile-username')).toHaveText('grace');
  await expect(v.page.getByTestId('profile-path')).toHaveText('users/internal/engineering');
  await expect(v.page.getByTestId('profile-groups')).toHaveText('engineering-team');
  await v.context.close();

  // The admin finds her in the directory, under the path tree's engineering branch.
  await page.goto('/admin/users');
  await ready(page);
  await page.click('nav.path-tree button[data-path="users/internal/engineering"]');
  const grace = page.locator('tbody.user[data-username="grace"]');
  await expect(grace).toBeVisible();
  await expect(page.locator('tbody.user[data-username="admin"]')).toBeHidden();
  await expect(grace.getByTestId('user-path')).toHaveText('users/internal/engineering');
  await expect(grace.getByTestId('user-groups')).toHaveText('engineering-team');
  await grace.locator('tr.summary').click();
  await expect(grace.getByTestId('detail-invitation')).toHaveText('example-engineering-team-invitation');
});

test('email-limited means proven on the imported flow without an email stage; a signed-in visitor is offered accept-as or sign out', async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  await createInvitation(page, 'company-only', '', { flowSlug: 'invitation-enrollment-flow-external', emails: '*@company.com' });
  const link = await readLink(page, 'company-only');

  // The imported external flow binds no email stage: the typed company address still needs its code.
  const v = await fresh(browser);
  await v.page.goto(link);
  await enrollTwoPages(v.page, 'mallory', 'ceo@company.com');
  await expect(v.page.locator('#verify-note')).toContainText('ceo@company.com');
  await expect(v.page.locator('.step')).toHaveText('Step 3 of 3');
  await ready(v.page);
  await v.page.fill('#field-code', '000000');
  await v.page.click('#submit-stage');
  await expect(v.page.locator('body')).toContainText('attempts left');
  const row = invitationRow(page, 'company-only');
  await page.reload();
  await ready(page);
  await expect(row.getByTestId('uses')).toHaveText('0 / 1');
  await verifyEmail(v.page, 'ceo@company.com');
  await expect(v.page.getByTestId('profile-username')).toHaveText('mallory');
  await v.context.close();

  // Signed in as admin, the link of a require_unauthenticated flow offers "Accept as admin" or sign out,
  // never a second account; signing out returns to the link, which then enrolls.
  await page.goto('/admin/invitations');
  await ready(page);
  await createInvitation(page, 'while-signed-in', '', { flowSlug: 'invitation-enrollment-flow-external' });
  const second = await readLink(page, 'while-signed-in');
  await page.goto(second);
  await ready(page);
  await expect(page.locator('#enroll-closed')).toContainText('You are signed in as admin');
  await expect(page.locator('#accept-invitation')).toHaveText('Accept as admin');
  await expect(page.locator('#field-username')).toBeHidden();
  await page.click('#sign-out');
  await expect(page).toHaveURL(second);
  await expect(page.locator('#field-username')).toBeVisible();
  await expect(page.locator('#enroll-closed')).toHaveCount(0);
});

test('an admin adds a user to a group in the directory', async ({ page }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await page.goto('/admin/groups');
  await ready(page);
  const row = page.locator('tr[data-name="engineering-team"]');
  const before = Number(await row.getByTestId('member-count').textContent());
  // The rows hydrate after the page shell; until then a click would submit the bare form. Retry until
  // the (hydrated) form answers.
  await expect(async () => {
    if (!(await row.locator('details.members').getAttribute('open') !== null)) {
      await row.locator('details.members summary').click();
    }
    await row.locator('input.member-username').fill('nobody-here');
    await row.locator('form.add-member button').click();
    await expect(row.locator('.field-error[data-field="username"]')).toHaveText("No user is named 'nobody-here'.", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(row.locator('li[data-member="grace"]')).toBeVisible();
  await expect(row.locator('li[data-member="admin"]')).toHaveCount(0);
  await row.locator('input.member-username').fill('admin');
  await row.locator('form.add-member button').click();
  await expect(row.locator('li[data-member="admin"]')).toBeVisible();
  await expect(row.getByTestId('member-count')).toHaveText(String(before + 1));
  await screenshot(page, 'groups.png');
  await row.locator('li[data-member="admin"] button.remove-member').click();
  await expect(row.locator('li[data-member="admin"]')).toHaveCount(0);
  await expect(row.getByTestId('member-count')).toHaveText(String(before));
});

test('an external user lands on the default application, or is told there is none', async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  const link = await readLink(page, 'example-external-basic-invitation');

  // No default application yet: a clear note, not "Permission denied".
  const first = await fresh(browser);
  await first.page.goto(link);
  await enrollTwoPages(first.page, 'olaf', 'olaf@partner.example');
  await expect(first.page.getByTestId('profile-type')).toHaveText('external');
  await expect(first.page.locator('#no-default-application')).toContainText('No default application is set up yet');
  await first.context.close();

  // System → Brands: set one; signing in now goes there.
  await page.goto('/admin/brands');
  await ready(page);
  await expect(async () => {
    await page.fill('#brand-default-app', 'not a url');
    await page.click('#brand-save');
    await expect(page.locator('.field-error[data-field="default_application_url"]')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await page.fill('#brand-default-app', PORTAL_URL);
  await page.click('#brand-save');
  await expect(page.locator('#brand-saved')).toBeVisible();

  const olaf = await fresh(browser);
  await signIn(olaf.page, 'olaf', 'invitee-password-1');
  await expect(olaf.page).toHaveURL(PORTAL_URL);
  await expect(olaf.page.locator('h1')).toHaveText('Customer Portal');
  await olaf.context.close();
});

test('no invitation, no account: the 2-stage blueprint still asks for one until an admin opens the flow', async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await page.goto('/admin/flows');
  await ready(page);
  await page.click('#import-toggle');
  await page.setInputFiles('#blueprint-file', path.join(ROOT, 'server', 'tests', 'blueprints', 'flows-enrollment-2-stage.yaml'));
  await expect(page.locator('#blueprint-yaml')).toHaveValue(/default-enrollment-prompt-first/);
  await page.click('#blueprint-import');
  // It replaces built-in flows: the page names them and the admin confirms (issue 35 item 6).
  await expect(page.locator('#import-confirm')).toContainText('built-in flow');
  await page.click('#blueprint-confirm');
  await expect(page.locator('#import-result')).toContainText('default-enrollment-flow');

  // Without an invitation stage the flow still refuses a visitor without an invitation.
  const visitor = await fresh(browser);
  await visitor.page.goto('/if/flow/default-enrollment-flow/');
  await expect(visitor.page.locator('body')).toContainText('Invalid invite/invite not found');
  await expect(visitor.page.locator('#field-username')).toHaveCount(0);

  // Open enrollment is the admin's explicit choice, with a warning.
  const row = page.locator('tbody.flow[data-slug="default-enrollment-flow"]');
  await row.locator('tr.summary').click();
  const open = row.locator('input.open-enrollment');
  await expect(open).not.toBeChecked();
  await open.check();
  await expect(row.getByTestId('open-enrollment')).toBeVisible();
  await expect(row).toContainText('anyone who opens this flow');
  await visitor.page.goto('/if/flow/default-enrollment-flow/');
  await expect(visitor.page.locator('#field-username')).toBeVisible();

  // And closed again.
  await open.uncheck();
  await expect(row.getByTestId('open-enrollment')).toHaveCount(0);
  await visitor.page.goto('/if/flow/default-enrollment-flow/');
  await expect(visitor.page.locator('body')).toContainText('Invalid invite/invite not found');
  await visitor.context.close();
});
