import { test, expect, Browser, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { adminPage, createAdminByCli, createInvitation, readLink, ready, signIn, ADMIN } from './helpers';

// Issue 16 item 3: axe-core's WCAG 2.2 AA rules on the pages, in light and dark mode and at 360 px wide.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

test.beforeAll(() => {
  createAdminByCli();
});

async function violations(page: Page) {
  const r = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

const MODES = [
  { name: 'light', opts: { colorScheme: 'light' as const } },
  { name: 'dark', opts: { colorScheme: 'dark' as const } },
  { name: '360px', opts: { viewport: { width: 360, height: 780 } } },
];

async function check(browser: Browser, path: string, admin: boolean) {
  for (const mode of MODES) {
    const context = await browser.newContext(mode.opts);
    const page = await context.newPage();
    if (admin) {
      await signIn(page, ADMIN.username, ADMIN.password);
      await expect(page).toHaveURL(/\/admin\//);
    }
    await page.goto(path);
    await ready(page);
    expect(await violations(page), `${path} in ${mode.name}`).toEqual([]);
    await context.close();
  }
}

test('the invitee pages pass axe in light, dark and at 360 px', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'a11y-public', '', { singleUse: false });
  const link = await readLink(page, 'a11y-public');
  const path = new URL(link).pathname + new URL(link).search;
  await check(browser, path, false);
  await check(browser, path.replace(/itoken=[^&]+/, 'itoken=00000000-0000-4000-8000-000000000000'), false);
  await check(browser, '/login', false);
  await check(browser, '/if/accept/', false);
});

const ADMIN_PAGES = [
  '/admin/invitations', '/admin/campaigns', '/admin/users', '/admin/groups', '/admin/roles', '/admin/outbox',
  '/admin/tokens', '/admin/flows', '/admin/policies', '/admin/brands', '/admin/email', '/admin/events',
  '/admin/webhooks',
];

test('the admin pages pass axe in light, dark and at 360 px', async ({ browser }) => {
  test.setTimeout(300_000);
  for (const path of ADMIN_PAGES) {
    await check(browser, path, true);
  }
});

test('an expanded invitation and the editor pass axe', async ({ page }) => {
  await adminPage(page);
  await createInvitation(page, 'a11y-expanded', 'email: a11y@example.com');
  await readLink(page, 'a11y-expanded');
  expect(await violations(page), 'expanded row').toEqual([]);
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  expect(await violations(page), 'editor').toEqual([]);
});
