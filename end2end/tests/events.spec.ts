import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import {
  ADMIN, adminPage, createAdminByCli, createInvitation, enroll, fresh, readLink, ready, screenshot,
} from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

// Issue 14: an admin creates an invitation, an invitee enrolls through it, and the admin finds both in
// System → Events, filters them, and downloads the selection as CSV.
test('System → Events shows an invitation created and used, filters, and exports CSV', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'events-journey', 'name: Eve Events\n');
  const link = await readLink(page, 'events-journey');

  const eve = await fresh(browser);
  await eve.page.goto(link);
  await enroll(eve.page, 'eve', 'eve@example.com');
  await expect(eve.page).toHaveURL(/\/$/);
  await eve.context.close();

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
