import { test, expect } from '@playwright/test';
import { ADMIN, createAdminByCli, ready, screenshot, signIn } from './helpers';

// Directory → Tokens: an API token is created in the dashboard, its secret shown once, used on the REST
// API with a Bearer header, then revoked.
test.beforeAll(() => {
  createAdminByCli();
});

test('an admin creates an API token, uses it on /api/v3/, and revokes it', async ({ page, request }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await page.click('nav.sidebar >> text=Tokens');
  await expect(page).toHaveURL(/\/admin\/tokens$/);
  await ready(page);
  await page.fill('#token-identifier', 'e2e-script');
  await page.fill('#token-username', ADMIN.username);
  await page.fill('#token-description', 'Playwright');
  await page.click('#token-create');
  const secret = await page.locator('#token-secret').inputValue();
  expect(secret).toMatch(/^[A-Za-z0-9]{48}$/);
  const row = page.locator('tr[data-identifier="e2e-script"]');
  await expect(row.getByTestId('token-status')).toHaveText('active');
  await screenshot(page, 'tokens.png');

  // The API takes the token, not the session cookie.
  const ok = await request.get('/api/v3/stages/invitation/invitations/', { headers: { Authorization: `Bearer ${secret}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).pagination).toBeDefined();
  const cookieOnly = await page.evaluate(async () => (await fetch('/api/v3/stages/invitation/invitations/')).status);
  expect(cookieOnly).toBe(401);

  // After a reload the secret is gone for good.
  await page.reload();
  await ready(page);
  await expect(page.locator('#token-secret')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(secret);

  // The table hydrates after the page shell: retry until the button answers.
  await expect(async () => {
    await row.locator('button.revoke').click();
    await expect(row.locator('button.confirm-revoke')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await row.locator('button.confirm-revoke').click();
  await expect(row.getByTestId('token-status')).toHaveText('revoked');
  const refused = await request.get('/api/v3/stages/invitation/invitations/', { headers: { Authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toEqual({ detail: 'Token revoked.' });
});
