import { test, expect } from '@playwright/test';
import { adminPage, createAdminByCli, createInvitation, invitationRow, readLink, screenshot } from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

// Issue 15 item 6: an invitation's expanded row shows its link as a QR code, downloadable as SVG and as
// a PNG for posters.
test('the expanded row shows the link as a QR code with SVG and PNG downloads', async ({ page }) => {
  await adminPage(page);
  await createInvitation(page, 'poster-qr', 'name: Poster\n', { singleUse: false });
  await readLink(page, 'poster-qr');
  const row = invitationRow(page, 'poster-qr');
  const code = row.locator('.qr-code svg');
  await expect(code).toBeVisible();
  const box = await code.boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(120);
  await expect(row.locator('.qr-code')).toHaveAttribute('aria-label', /QR code/);
  await screenshot(page, 'qr.png');
  const [png] = await Promise.all([page.waitForEvent('download'), row.locator('a.qr-png').click()]);
  expect(png.suggestedFilename()).toBe('poster-qr-qr.png');
  const [svg] = await Promise.all([page.waitForEvent('download'), row.locator('a.qr-svg').click()]);
  expect(svg.suggestedFilename()).toBe('poster-qr-qr.svg');
});
