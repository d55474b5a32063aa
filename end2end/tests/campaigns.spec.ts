import { test, expect } from '@playwright/test';
import { adminPage, createAdminByCli, enroll, fresh, linkIn, mailsTo, ready, screenshot } from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

// Issue 15: an admin imports a CSV of three recipients into a campaign, sees the dry run, confirms; each
// recipient gets their own link by SMTP; one enrolls and the campaign page counts 1 joined and 2 sent;
// "Resend" reaches the two others.
test('a campaign imports a CSV after its dry run, mails each recipient their own link, and resends to those not joined', async ({ page, browser }) => {
  await adminPage(page);
  await page.click('nav.sidebar a[href="/admin/campaigns"]');
  await expect(page).toHaveURL(/\/admin\/campaigns$/);
  await ready(page);
  await page.click('#campaign-new');
  await page.fill('#campaign-name', 'pw-cohort');
  await page.fill('#campaign-email_message', 'Welcome to the spring cohort.');
  await page.click('#campaign-save');
  await expect(page).toHaveURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);
  await ready(page);
  await expect(page.locator('h1')).toContainText('pw-cohort');

  const csv = 'email;name;attributes.team\ncamp-ann@example.com;Ann Camp;red\ncamp-bob@example.com;Bob Camp;blue\ncamp-cy@example.com;Cy Camp;\n';
  await page.setInputFiles('#campaign-csv', { name: 'cohort.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.locator('.import')).toContainText('cohort.csv');
  await page.click('#campaign-dry-run');
  const dry = page.locator('#campaign-dry-run-result');
  await expect(dry).toContainText('3 new, 0 to join, 0 duplicates, 0 invalid');
  await expect(dry.locator('tr[data-kind="new"]')).toHaveCount(3);
  await screenshot(page, 'campaign-dry-run.png');
  // Nothing is written by the dry run.
  expect(mailsTo('camp-ann@example.com')).toHaveLength(0);
  await page.click('#campaign-confirm-import');
  await expect(page.locator('#campaign-imported')).toContainText('3 new');
  await expect(page.locator('table.recipients tbody tr')).toHaveCount(3);

  const addresses = ['camp-ann@example.com', 'camp-bob@example.com', 'camp-cy@example.com'];
  for (const a of addresses) {
    await expect.poll(() => mailsTo(a).length, { timeout: 30_000 }).toBe(1);
  }
  const links = addresses.map(a => linkIn(mailsTo(a)[0].data));
  expect(new Set(links).size).toBe(3);
  expect(mailsTo('camp-ann@example.com')[0].data).toContain('Welcome to the spring cohort.');

  // Ann enrolls through her own link, her name pre-filled from the CSV.
  const ann = await fresh(browser);
  await ann.page.goto(links[0]);
  await ready(ann.page);
  await expect(ann.page.locator('#field-name')).toHaveValue('Ann Camp');
  await enroll(ann.page, 'camp-ann', 'camp-ann@example.com');
  await expect(ann.page.getByTestId('profile-username')).toHaveText('camp-ann');
  await ann.context.close();

  await expect(async () => {
    await page.reload();
    await ready(page);
    await expect(page.locator('#campaign-counts td[data-state="joined"]')).toHaveText('1', { timeout: 1_000 });
    await expect(page.locator('#campaign-counts td[data-state="sent"]')).toHaveText('2', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.locator('tr[data-email="camp-ann@example.com"]')).toHaveAttribute('data-state', 'joined');
  await screenshot(page, 'campaign.png');

  await page.click('#campaign-resend');
  await expect(page.locator('#campaign-resent')).toHaveText('Sent again to 2 recipients.');
  await expect.poll(() => mailsTo('camp-bob@example.com').length, { timeout: 30_000 }).toBe(2);
  await expect.poll(() => mailsTo('camp-cy@example.com').length, { timeout: 30_000 }).toBe(2);
  expect(linkIn(mailsTo('camp-bob@example.com')[1].data)).toBe(links[1]);
  expect(mailsTo('camp-ann@example.com')).toHaveLength(1);

  // The list of campaigns counts the same.
  await page.goto('/admin/campaigns');
  await ready(page);
  const row = page.locator('table.campaigns tr[data-name="pw-cohort"]');
  await expect(row.locator('td[data-state="total"]')).toHaveText('3');
  await expect(row.locator('td[data-state="joined"]')).toHaveText('1');
});
