import { test, expect, Browser, Page } from '@playwright/test';
import {
  ADMIN, adminCall, adminPage, codesFor, fresh, createAdminByCli, createInvitation, enroll, ready, invitationRow, readLink, screenshot,
  signIn, verifyEmail,
} from './helpers';

// The invitee journeys of DESIGN.md: 3 (existing user), 4 (domain-wide, with the email proof: the code is
// read from the test SMTP server), 5 (public, quota, expiring), and the invalid links.
test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  createAdminByCli();
});



test('journey 3: an existing user signs in through the link and joins with roles and groups', async ({ page, browser }) => {
  await adminPage(page);
  await adminCall(page, 'admin/groups/create', { name: 'engineering-team' });
  await adminCall(page, 'admin/roles/create', { name: 'editor' });
  await page.reload();
  await ready(page);

  // Bob already has an account (enrolled earlier through another invitation).
  await createInvitation(page, 'bob-account', 'name: Bob Builder\n');
  const first = await fresh(browser);
  await first.page.goto(await readLink(page, 'bob-account'));
  await enroll(first.page, 'bob', 'bob@company.com', 'bob-password-1');
  await expect(first.page.getByTestId('profile-username')).toHaveText('bob');
  await first.context.close();

  await createInvitation(page, 'bob-joins-eng', '', { groups: ['engineering-team'], roles: ['editor'] });
  const link = await readLink(page, 'bob-joins-eng');

  // Logged out: link → "I already have an account" → login → accept page → accept.
  const bob = await fresh(browser);
  await bob.page.goto(link);
  await ready(bob.page);
  await bob.page.click('#existing-account');
  await expect(bob.page).toHaveURL(/\/login\?next=\/if\/accept\/&lang=en$/);
  const cookies = await bob.context.cookies();
  const inv = cookies.find(c => c.name === 'usher_invitation');
  expect(inv?.httpOnly).toBe(true);
  expect(inv?.sameSite).toBe('Lax');
  await ready(bob.page);
  await bob.page.fill('#login-username', 'bob');
  await bob.page.fill('#login-password', 'bob-password-1');
  await bob.page.click('button:has-text("Sign in")');
  await expect(bob.page).toHaveURL(/\/if\/accept\/$/);
  await expect(bob.page.locator('#accept-invitation')).toHaveText('Accept as bob');
  await expect(bob.page.locator('.invitation-summary')).toContainText('engineering-team');
  await ready(bob.page);
  await bob.page.click('#accept-invitation');
  await expect(bob.page).toHaveURL(/\/$/);
  await expect(bob.page.getByTestId('profile-groups')).toHaveText('engineering-team');
  await expect(bob.page.getByTestId('profile-roles')).toHaveText('editor');
  await bob.context.close();

  // The admin sees the use recorded as "joined".
  await page.reload();
  await ready(page);
  await readLink(page, 'bob-joins-eng');
  await expect(invitationRow(page, 'bob-joins-eng').locator('.ledger li[data-username="bob"]')).toContainText('joined');
});

test('journey 3 with an email rule: an existing account proves its address with a code before accepting', async ({ page }) => {
  // The admin's own account (made by the CLI) has never proven admin@example.com.
  await adminPage(page);
  await createInvitation(page, 'example-staff', '', { singleUse: false, emails: '*@example.com', roles: ['editor'] });
  const link = await readLink(page, 'example-staff');
  await page.goto(link);
  await ready(page);
  await page.click('#accept-invitation');
  await expect(page).toHaveURL(/\/if\/accept\/$/);
  await expect(page.locator('#verify-note')).toContainText('admin@example.com');
  await expect(page.locator('#field-code')).toHaveCount(0);
  await ready(page);
  await expect(async () => {
    await page.click('#send-code');
    await expect(page.locator('#field-code')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect.poll(() => codesFor('admin@example.com').length, { timeout: 30_000 }).toBe(1);
  await page.fill('#field-code', codesFor('admin@example.com')[0]);
  await page.click('#accept-invitation');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('profile-roles')).toContainText('editor');
  await page.goto('/admin/invitations');
  await ready(page);
  await readLink(page, 'example-staff');
  await expect(invitationRow(page, 'example-staff').locator('.ledger li[data-username="admin"]')).toContainText('joined');
});

test('journey 4: a domain-wide invitation admits its domain and refuses look-alikes', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'company-wide', '', { singleUse: false, emails: '*@company.com' });
  const link = await readLink(page, 'company-wide');
  const visitor = await fresh(browser);
  await visitor.page.goto(link);
  for (const [i, bad] of ['a@company.com.evil.io', 'a@evil-company.com', 'a@sub.company.com'].entries()) {
    await enroll(visitor.page, `lookalike${i}`, bad);
    await expect(visitor.page.locator('.field-error[data-field="email"]')).toHaveText('This invitation is not valid for this email address.');
    // What was typed survives the error.
    await expect(visitor.page.locator('#field-username')).toHaveValue(`lookalike${i}`);
  }
  await enroll(visitor.page, 'alice', 'a@company.com');
  // Alice proves the address before anything is granted: a wrong code is refused, the mailed one works.
  await expect(visitor.page.locator('#verify-note')).toContainText('a@company.com');
  await expect(visitor.page.locator('.step')).toHaveText('Step 2 of 2');
  await expect(visitor.page.locator('#field-code')).toHaveValue('');
  await screenshot(visitor.page, 'verification.png');
  await expect.poll(() => codesFor('a@company.com').length, { timeout: 30_000 }).toBe(1);
  for (const bad of ['a@company.com.evil.io', 'a@evil-company.com', 'a@sub.company.com']) {
    expect(codesFor(bad)).toHaveLength(0);
  }
  const code = codesFor('a@company.com')[0];
  await ready(visitor.page);
  await visitor.page.fill('#field-code', code === '000000' ? '111111' : '000000');
  await visitor.page.click('#submit-stage');
  await expect(visitor.page.locator('.field-error[data-field="code"]')).toHaveText('That code is not right. 4 attempts left.');
  await page.reload();
  await ready(page);
  await expect(invitationRow(page, 'company-wide').getByTestId('uses')).toHaveText('0 / ∞');
  await verifyEmail(visitor.page, 'a@company.com');
  await expect(visitor.page.getByTestId('profile-username')).toHaveText('alice');
  await expect(visitor.page.getByTestId('profile-email')).toHaveText('a@company.com');
  await visitor.context.close();
  await page.reload();
  await ready(page);
  await expect(invitationRow(page, 'company-wide').getByTestId('uses')).toHaveText('1 / ∞');
});

test('journey 5: a public invitation with quota 3 admits three and refuses the fourth', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'public-three', '', { singleUse: false, quota: '3' });
  const link = await readLink(page, 'public-three');
  for (const name of ['first', 'second', 'third']) {
    const v = await fresh(browser);
    await v.page.goto(link);
    // No email rules: the prompt page is the only one (no code step, issue 34).
    await enroll(v.page, name, `${name}@example.org`);
    await expect(v.page.getByTestId('profile-username')).toHaveText(name);
    await v.context.close();
  }
  const fourth = await fresh(browser);
  const res = await fourth.page.goto(link);
  expect(res?.status()).toBe(410);
  await expect(fourth.page.locator('h1')).toHaveText('Invalid invite/invite not found');
  await expect(fourth.page.locator('.reason')).toHaveText('This invitation has already been used.');
  await fourth.context.close();
  await page.reload();
  await ready(page);
  await expect(invitationRow(page, 'public-three').getByTestId('uses')).toHaveText('3 / 3');
});

test('disabled, expired and wrong-flow links show the invalid page', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'to-break', 'name: Nobody\n');
  const link = await readLink(page, 'to-break');
  const row = invitationRow(page, 'to-break');
  const v = await fresh(browser);

  await row.locator('button.toggle').click();
  await expect(row.getByTestId('status')).toHaveText('disabled');
  let res = await v.page.goto(link);
  expect(res?.status()).toBe(410);
  await expect(v.page.locator('.reason')).toHaveText('This invitation has been disabled.');

  await readLink(page, 'to-break');
  await row.locator('button.toggle').click();
  await expect(row.getByTestId('status')).toHaveText('active');
  await readLink(page, 'to-break');
  await row.locator('button:has-text("Edit")').click();
  await page.fill('#invitation-expires', '2020-01-01T00:00');
  await page.click('#invitation-save');
  await expect(row.getByTestId('status')).toHaveText('expired');
  res = await v.page.goto(link);
  expect(res?.status()).toBe(410);
  await expect(v.page.locator('.reason')).toHaveText('This invitation has expired.');

  res = await v.page.goto(link.replace('invitation-enrollment-flow-external', 'invitation-enrollment-flow-internal'));
  expect(res?.status()).toBe(404);
  await expect(v.page.locator('h1')).toHaveText('Invalid invite/invite not found');
  await v.context.close();
});

test('enrolled users land with the right path, groups and roles in the admin directory', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'internal-eng', 'name: Ivy Internal\n', {
    flowSlug: 'invitation-enrollment-flow-internal', groups: ['engineering-team'], roles: ['editor'],
  });
  const v = await fresh(browser);
  await v.page.goto(await readLink(page, 'internal-eng'));
  await enroll(v.page, 'ivy', 'ivy@company.com');
  await expect(v.page.getByTestId('profile-username')).toHaveText('ivy');
  await v.context.close();

  await page.click('nav.sidebar a:has-text("Users")');
  await expect(page.locator('h1')).toHaveText('Users');
  const ivy = page.locator('tbody.user[data-username="ivy"]');
  await expect(ivy.getByTestId('user-type')).toHaveText('internal');
  await expect(ivy.getByTestId('user-path')).toHaveText('users/internal');
  await expect(ivy.getByTestId('user-groups')).toHaveText('engineering-team');
  await ready(page);
  await ivy.locator('tr.summary').click();
  await expect(ivy.getByTestId('detail-roles')).toHaveText('editor');
  const alice = page.locator('tbody.user[data-username="alice"]');
  await expect(alice.getByTestId('user-type')).toHaveText('external');
  await expect(alice.getByTestId('user-path')).toHaveText('users/external');
});
