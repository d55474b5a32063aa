import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, ready } from './helpers';

// Runs first (file order): on a start without a superuser the server prints a one-time /setup?token=… link
// (read here from its output, as an operator would: the database keeps only the token's digest); it
// creates the first admin in the browser and is gone afterwards.
function setupToken(): string {
  const log = fs.readFileSync(path.join(ROOT, 'end2end', '.e2e', 'server.log'), 'utf8');
  const links = [...log.matchAll(/\/setup\?token=(\S+)/g)];
  return links.length ? links[links.length - 1][1] : '';
}

test('the one-time set-up link creates the first admin, then stops working', async ({ page, browser }) => {
  const token = setupToken();
  expect(token).toMatch(/^[0-9a-f-]{36}$/);
  await page.goto(`/setup?token=${token}`);
  await ready(page);
  await page.fill('#setup-username', 'root');
  await page.fill('#setup-email', 'root@example.com');
  await page.fill('#setup-password', 'root-password-1');
  await page.fill('#setup-password-repeat', 'different-password');
  await page.click('button:has-text("Create administrator")');
  await expect(page.locator('.field-error[data-field="password"]')).toHaveText('Passwords do not match.');
  await page.fill('#setup-password-repeat', 'root-password-1');
  await page.click('button:has-text("Create administrator")');
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await expect(page.getByTestId('admin-username')).toHaveText('root');

  const other = await browser.newContext();
  const p = await other.newPage();
  await p.goto(`/setup?token=${token}`);
  await expect(p.getByRole('alert')).toHaveText('This set-up link is invalid or has already been used.');
  await other.close();
});
