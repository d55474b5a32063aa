import { test, expect } from '@playwright/test';
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
  // The code decodes to the link (jsQR, a JavaScript QR decoder, on the SVG drawn into a canvas).
  await page.addScriptTag({ path: require.resolve('jsqr/dist/jsQR.js') });
  const svgText = await row.locator('.qr-code svg').evaluate(e => new XMLSerializer().serializeToString(e));
  const decoded = await page.evaluate(async (svg: string) => {
    const img = new Image();
    img.src = 'data:image/svg+xml;base64,' + btoa(svg);
    await img.decode();
    const size = 400;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size, size);
    ctx.drawImage(img, 0, 0, size, size);
    const data = ctx.getImageData(0, 0, size, size);
    const found = (window as any).jsQR(data.data, size, size);
    return found ? found.data : null;
  }, svgText);
  expect(decoded).toBe(link);
  const [png] = await Promise.all([page.waitForEvent('download'), row.locator('a.qr-png').click()]);
  expect(png.suggestedFilename()).toBe('poster-qr-qr.png');
  const [svg] = await Promise.all([page.waitForEvent('download'), row.locator('a.qr-svg').click()]);
  expect(svg.suggestedFilename()).toBe('poster-qr-qr.svg');
});
