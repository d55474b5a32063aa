import { test, expect, Page } from '@playwright/test';
import {
  adminPage, createAdminByCli, createInvitation, enroll, fresh, readLink, ready, signIn,
  ADMIN,
} from './helpers';
import { axeInEveryMode, violations } from './axe';

// Issue 16 item 3: axe-core's WCAG 2.2 AA rules on every page, in light and dark mode (the system's and the
// switcher's) and at 360 px wide (where the page must not be wider than the screen).
test.beforeAll(() => {
  createAdminByCli();
});

/** Signs `page` in as the admin. */
async function asAdmin(page: Page) {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\//);
}

test('the invitee pages pass axe in every mode', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await adminPage(page);
  await createInvitation(page, 'a11y-public', '', { singleUse: false });
  const link = await readLink(page, 'a11y-public');
  const path = new URL(link).pathname + new URL(link).search;
  await axeInEveryMode(browser, 'the landing page', p => p.goto(path));
  await axeInEveryMode(browser, 'the invalid page',
    p => p.goto(path.replace(/itoken=[^&]+/, 'itoken=00000000-0000-4000-8000-000000000000')));
  await axeInEveryMode(browser, 'sign-in', p => p.goto('/login'));
  await axeInEveryMode(browser, 'the accept page without an invitation', p => p.goto('/if/accept/'));
  await axeInEveryMode(browser, 'the set-up page once set up', p => p.goto('/setup?token=spent'));
  await axeInEveryMode(browser, 'a page that does not exist', p => p.goto('/no-such-page'));

  // A stage refused: the errors beside their fields.
  await axeInEveryMode(browser, 'a stage with errors', async p => {
    await p.goto(path);
    await ready(p);
    await p.fill('#field-username', 'a11y-mismatch');
    await p.fill('#field-email', 'a11y-mismatch@example.com');
    await p.fill('#field-name', 'Mismatch');
    await p.fill('#field-password', 'a11y-password-one');
    await p.fill('#field-password_repeat', 'a11y-password-two');
    await p.click('#submit-stage');
    await expect(p.locator('.field-error').first()).toBeVisible();
  });

  // The code stage of an invitation limited to a domain: the address must be proven.
  await createInvitation(page, 'a11y-domain', '', { singleUse: false, emails: '*@a11y.example' });
  const domainLink = await readLink(page, 'a11y-domain');
  let n = 0;
  await axeInEveryMode(browser, 'the code stage', async p => {
    n += 1;
    await p.goto(domainLink);
    await enroll(p, `a11y-code-${n}`, `a11y-code-${n}@a11y.example`);
    await expect(p.locator('#field-code')).toBeVisible();
  });
});

test('a member\'s pages pass axe in every mode', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await adminPage(page);
  await createInvitation(page, 'a11y-member', '');
  const member = await fresh(browser);
  await member.page.goto(await readLink(page, 'a11y-member'));
  await enroll(member.page, 'a11y-member', 'a11y-member@example.com');
  await expect(member.page.getByTestId('profile-username')).toHaveText('a11y-member');
  const state = await member.context.storageState();
  await member.context.close();
  await axeInEveryMode(browser, 'the profile', p => p.goto('/'), state);
  await axeInEveryMode(browser, 'the member\'s invitations page', p => p.goto('/if/user/invitations'), state);
  await axeInEveryMode(browser, 'the accept page, signed in', p => p.goto('/if/accept/'), state);
});

const ADMIN_PAGES = [
  '/admin/invitations', '/admin/campaigns', '/admin/users', '/admin/groups', '/admin/roles', '/admin/approvals',
  '/admin/outbox', '/admin/tokens', '/admin/flows', '/admin/policies', '/admin/brands', '/admin/email',
  '/admin/events', '/admin/webhooks',
];

test('the admin pages pass axe in every mode', async ({ page, browser }) => {
  test.setTimeout(600_000);
  await asAdmin(page);
  const state = await page.context().storageState();
  for (const path of ADMIN_PAGES) {
    await axeInEveryMode(browser, path, p => p.goto(path), state);
  }
  // A campaign's own page.
  await page.goto('/admin/campaigns');
  await ready(page);
  await page.click('#campaign-new');
  await page.fill('#campaign-name', 'a11y-campaign');
  await page.click('#campaign-save');
  await expect(page).toHaveURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);
  const campaign = new URL(page.url()).pathname;
  await axeInEveryMode(browser, 'a campaign\'s page', p => p.goto(campaign), state);
});

test('an expanded invitation, the editor and the expanded rows of other pages pass axe', async ({ page }) => {
  await adminPage(page);
  await createInvitation(page, 'a11y-expanded', 'email: a11y@example.com');
  await readLink(page, 'a11y-expanded');
  expect(await violations(page), 'expanded row').toEqual([]);
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  expect(await violations(page), 'editor').toEqual([]);

  // Users and flows: the row's button says whose details it opens, and whether they are open.
  for (const [path, body] of [['/admin/users', 'tbody.user[data-username="admin"]'],
    ['/admin/flows', 'tbody.flow[data-slug="invitation-enrollment-flow-external"]']] as const) {
    await page.goto(path);
    await ready(page);
    const expand = page.locator(`${body} button.expand`);
    await expect(expand).toHaveAttribute('aria-expanded', 'false');
    await expand.click();
    await expect(expand).toHaveAttribute('aria-expanded', 'true');
    const details = page.locator(`#${await expand.getAttribute('aria-controls')}`);
    await expect(details).toBeVisible();
    expect(await violations(page), `${path} expanded`).toEqual([]);
  }
});

// Issue 16 item 3: the sortable header is a button and says how the list is sorted (aria-sort); the rows
// follow it, and so does the sort menu.
test('the invitations table sorts by its Expires header, which says how it is sorted', async ({ page }) => {
  await adminPage(page);
  await createInvitation(page, 'a11y-sort', '');
  const header = page.locator('table.invitations th[aria-sort]');
  await expect(header).toHaveCount(1);
  await expect(header).toHaveAttribute('aria-sort', 'none');
  /** The expiries of the rows with one, in the table's order (UTC words, which sort as the instants do). */
  const expiries = () => page.locator('table.invitations td.expires time').evaluateAll(
    ts => ts.map(t => t.getAttribute('title') ?? ''));
  await header.locator('button.sort').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.locator('#invitation-sort')).toHaveValue('expires_asc');
  await expect.poll(async () => { const e = await expiries(); return e.length > 0 && e.join() === [...e].sort().join(); }).toBe(true);
  await header.locator('button.sort').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(page.locator('#invitation-sort')).toHaveValue('expires_desc');
  await expect.poll(async () => { const e = await expiries(); return e.length > 0 && e.join() === [...e].sort().reverse().join(); }).toBe(true);
  await page.selectOption('#invitation-sort', 'created_desc');
  await expect(header).toHaveAttribute('aria-sort', 'none');
});
