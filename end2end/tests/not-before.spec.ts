import { test, expect } from '@playwright/test';
import { adminPage, createAdminByCli, fresh, invitationRow, readLink, screenshot } from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

// Issue 15 item 5: an invitation with an opening time in the future is "scheduled" on the dashboard, and
// its link says when it opens, in UTC and (the page's one nonce'd script) in the invitee's time zone.
// Since issue 16 the page shows the time in the invitee's zone, named, with UTC on hover (the title).
test('a scheduled invitation says when it opens, in UTC and local time', async ({ page, browser }) => {
  await adminPage(page);
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  await page.fill('#invitation-name', 'opens-later');
  await page.check('#invitation-never');
  await page.fill('#invitation-not-before', '2099-01-01T12:00');
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  const row = invitationRow(page, 'opens-later');
  await expect(row.locator('[data-testid="status"]')).toHaveText('scheduled');
  const link = await readLink(page, 'opens-later');
  // The dashboard shows it in the viewer's zone (UTC here), the UTC words on hover (issue 16).
  await expect(row.locator('[data-testid="opens"] time')).toHaveAttribute('title', '2099-01-01 12:00 UTC');
  await expect(row.locator('[data-testid="opens"] time')).toHaveAttribute('data-zone', /.+/);

  const { context, page: invitee } = await fresh(browser);
  const errors: string[] = [];
  // The page itself answers 403 (nothing is granted); a script the policy refused would be logged too.
  invitee.on('console', (m) => { if (m.text().includes('Content Security Policy')) errors.push(m.text()); });
  await invitee.goto(link);
  await expect(invitee.locator('#opens-at')).toContainText('This invitation opens on');
  await expect(invitee.locator('#opens-at time')).toHaveAttribute('datetime', '2099-01-01T12:00:00Z');
  await expect(invitee.locator('#opens-at time')).toHaveAttribute('title', 'Thursday, 1 January 2099, 12:00 UTC');
  await expect(invitee.locator('#opens-at time')).toHaveAttribute('data-zone', /.+/);
  await expect(invitee.locator('#field-username')).toHaveCount(0);
  expect(errors, 'no script was refused by the page policy').toEqual([]);
  await screenshot(invitee, 'not-before.png');
  await context.close();
});
