import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import {
  ADMIN, adminPage, createAdminByCli, createInvitation, enroll, fresh, invitationRow, readLink, ready,
  screenshot,
} from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

// Issue 14: an admin creates an invitation emailed to Eve, Eve enrolls through it, and the admin sees
// the invitation's timeline (created, emailed, delivered, viewed, used) in its expanded row, finds the events in
// System → Events, filters them, and downloads the selection as CSV.
test('System → Events shows an invitation created and used, filters, and exports CSV', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'events-journey', 'name: Eve Events\nemail: eve@example.com\n');
  const link = await readLink(page, 'events-journey');
  const kinds = async () => {
    await page.reload();
    await ready(page);
    await readLink(page, 'events-journey');
    const steps = invitationRow(page, 'events-journey').locator('ol.timeline li');
    await expect(steps.first()).toBeVisible();
    return await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  };
  // The test suite's SMTP server takes the message: the timeline says so.
  await expect(async () => {
    expect(await kinds()).toEqual(['created', 'sent', 'delivered']);
  }).toPass({ timeout: 30_000 });

  const eve = await fresh(browser);
  await eve.page.goto(link);
  await enroll(eve.page, 'eve', 'eve@example.com');
  await expect(eve.page).toHaveURL(/\/$/);
  await eve.context.close();

  // Eve's opening of the link is counted off the request path and written within seconds.
  await expect(async () => {
    expect(await kinds()).toEqual(['created', 'sent', 'delivered', 'viewed', 'used']);
  }).toPass({ timeout: 30_000 });
  const timeline = invitationRow(page, 'events-journey').locator('ol.timeline');
  await expect(timeline.locator('li[data-kind="viewed"]')).toContainText('Link opened');
  await expect(timeline.locator('li[data-kind="sent"]')).toContainText('Emailed to eve@example.com by admin');
  await expect(timeline.locator('li[data-kind="used"]')).toContainText('Used by eve: enrolled');
  await screenshot(page, 'timeline.png');

  await page.click('nav.sidebar >> text=Events');
  await expect(page).toHaveURL(/\/admin\/events$/);
  await ready(page);
  const rows = page.locator('table.events tbody tr');
  await expect(rows.first()).toBeVisible();
  const used = page.locator('table.events tr[data-action="invitation_used"]', { hasText: 'events-journey' });
  await expect(used).toHaveCount(1);
  await expect(used).toContainText('eve');
  const created = page.locator('table.events tr[data-action="model_created"]', { hasText: 'events-journey' });
  await expect(created).toContainText(ADMIN.username);

  // Filtered to one action, every row is of it.
  await page.selectOption('select[name="action"]', 'invitation_used');
  await page.click('form.events-filters button[type="submit"]');
  await expect(page.locator('table.events tbody tr[data-action="model_created"]')).toHaveCount(0);
  await expect(used).toHaveCount(1);
  await screenshot(page, 'events.png');

  // The export carries the filter and downloads as a CSV file.
  await expect(page.locator('#export-csv')).toHaveAttribute('href', /action=invitation%5Fused/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  expect(download.suggestedFilename()).toBe('usher-events.csv');
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^pk,created,action,actor_kind,username/);
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) expect(line).toContain(',invitation_used,');
  expect(text).toContain('events-journey');
});

// Issue 14 item 5: an admin adds a webhook (to a closed port on this machine, so private addresses are
// allowed first), sees its secret once, and finds the deliveries of the next events under its row.
test('System → Webhooks: the secret is shown once and deliveries are listed', async ({ page }) => {
  await adminPage(page);
  await page.click('nav.sidebar >> text=Webhooks');
  await expect(page).toHaveURL(/\/admin\/webhooks$/);
  await ready(page);
  // A loopback URL is refused until private addresses are allowed.
  await page.fill('#webhook-name', 'e2e-hook');
  await page.fill('#webhook-url', 'http://127.0.0.1:9/hook');
  await page.click('#webhook-create');
  await expect(page.locator('.webhook-form .field-error[data-field="url"]')).toContainText('private');
  await expect(page.locator('#webhook-secret')).toHaveCount(0);
  await page.check('#webhook-allow-private');
  await page.click('#webhook-allow-save');
  await page.click('#webhook-create');
  await expect(page.locator('#webhook-secret')).toHaveValue(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  const row = page.locator('tr[data-name="e2e-hook"]');
  await expect(row).toBeVisible();
  await screenshot(page, 'webhooks.png');
  // Shown once: not after a reload.
  await page.reload();
  await ready(page);
  await expect(page.locator('#webhook-secret')).toHaveCount(0);
  await expect(row).toHaveAttribute('data-enabled', 'true');

  // An event (an invitation created) queues a delivery, listed under the webhook with its status.
  await page.click('nav.sidebar >> text=Invitations');
  await ready(page);
  await createInvitation(page, 'hooked-invitation', 'name: Hook\n');
  await page.click('nav.sidebar >> text=Webhooks');
  await ready(page);
  await row.locator('button.deliveries').click();
  const deliveries = page.locator('table.webhook-deliveries tbody tr');
  await expect(deliveries.first()).toBeVisible();
  await expect(page.locator('table.webhook-deliveries')).toContainText('model_created');
});
