import { test, expect } from '@playwright/test';
import { adminPage, createAdminByCli, createInvitation, fresh, invitationRow, readLink, screenshot } from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

// Issue 15 item 6: a public invitation's expanded row lists its named links (poster, newsletter, …),
// each with its own link, QR code downloads and counts; a named link opens the invitation's landing page.
test('named links are added in the expanded row, copied, and open the landing page', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'open-day', 'name: Visitor\n', { singleUse: false, quota: '10' });
  const own = await readLink(page, 'open-day');
  const row = invitationRow(page, 'open-day');
  const section = row.locator('section.named-links');
  await expect(section).toBeVisible();
  await expect(section.locator('.no-links')).toBeVisible();

  // Add two links: a poster with a share of 3, a newsletter without one.
  await section.locator('input.link-name').fill('poster');
  await section.locator('input.link-quota').fill('3');
  await section.locator('button.add-link-submit').click();
  const poster = section.locator('tr.named-link-row[data-link-name="poster"]');
  await expect(poster).toBeVisible();
  await expect(poster.getByTestId('link-uses')).toHaveText('0 / 3');
  await section.locator('input.link-name').fill('newsletter');
  await section.locator('button.add-link-submit').click();
  const newsletter = section.locator('tr.named-link-row[data-link-name="newsletter"]');
  await expect(newsletter).toBeVisible();
  await expect(section.locator('tr.named-link-row')).toHaveCount(2);

  // A taken name is refused under its field.
  await section.locator('input.link-name').fill('poster');
  await section.locator('button.add-link-submit').click();
  await expect(section.locator('.field-error[data-field="name"]')).toContainText('already has a link');

  // Each link is its own, distinct from the invitation's.
  const posterLink = await poster.locator('input.named-link').inputValue();
  const newsletterLink = await newsletter.locator('input.named-link').inputValue();
  expect(posterLink).toMatch(/\/if\/flow\/invitation-enrollment-flow-external\/\?itoken=[0-9a-f-]{36}$/);
  expect(posterLink).not.toBe(own);
  expect(posterLink).not.toBe(newsletterLink);
  await expect(poster.locator('a.qr-png')).toHaveAttribute('href', /qr\.png\?link=/);
  await screenshot(page, 'named-links.png');

  // Copy writes the poster's link to the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await poster.locator('button.copy-named-link').click();
  await expect(poster.locator('button.copy-named-link')).toHaveText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(posterLink);

  // The QR code of the poster's link downloads under the link's name.
  const [png] = await Promise.all([page.waitForEvent('download'), poster.locator('a.qr-png').click()]);
  expect(png.suggestedFilename()).toBe('open-day-poster-qr.png');

  // An invitee opens it: the invitation's landing page.
  const invitee = await fresh(browser);
  await invitee.page.goto(copied);
  await expect(invitee.page.locator('#field-username')).toBeVisible();
  await expect(invitee.page.locator('#field-name')).toHaveValue('Visitor');
  await invitee.context.close();

  // Deleting a link: its row goes, and its link shows the invalid page.
  await newsletter.locator('button.delete-link').click();
  await newsletter.locator('button.confirm-delete-link').click();
  await expect(section.locator('tr.named-link-row')).toHaveCount(1);
  const gone = await fresh(browser);
  const res = await gone.page.goto(newsletterLink);
  expect(res!.status()).toBe(404);
  await gone.context.close();
});
