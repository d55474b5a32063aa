import { test, expect } from '@playwright/test';
import jsQR from 'jsqr';
import { adminPage, createAdminByCli, createInvitation, invitationRow, readLink, screenshot } from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

// Issue 15 item 6: an invitation's expanded row shows its link as a QR code, downloadable as SVG and as
// a PNG for posters; the code decodes to the link.
test('the expanded row shows the link as a QR code with SVG and PNG downloads', async ({ page }) => {
  await adminPage(page);
  await createInvitation(page, 'poster-qr', 'name: Poster\n', { singleUse: false });
  const link = await readLink(page, 'poster-qr');
  const row = invitationRow(page, 'poster-qr');
  const code = row.locator('.qr-code svg');
  await expect(code).toBeVisible();
  const box = await code.boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(120);
  await expect(row.locator('.qr-code')).toHaveAttribute('aria-label', /QR code/);
  await screenshot(page, 'qr.png');
  // The code decodes to the link: the PNG download drawn into a canvas in the page (same origin, under
  // the page's CSP), its pixels decoded by jsQR (npm jsqr) here.
  const href = await row.locator('a.qr-png').getAttribute('href');
  const pixels = await page.evaluate(async (src: string) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return { width: d.width, height: d.height, data: Array.from(d.data) };
  }, href! + (href!.includes('?') ? '&' : '?') + 'scale=4');
  const found = jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height);
  const decoded = found ? found.data : null;
  expect(decoded).toBe(link);
  const [png] = await Promise.all([page.waitForEvent('download'), row.locator('a.qr-png').click()]);
  expect(png.suggestedFilename()).toBe('poster-qr-qr.png');
  const [svg] = await Promise.all([page.waitForEvent('download'), row.locator('a.qr-svg').click()]);
  expect(svg.suggestedFilename()).toBe('poster-qr-qr.svg');
});
