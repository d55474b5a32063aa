import { expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { DATABASE_URL } from '../playwright.config';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'end2end', 'artifacts');
export const ADMIN = { username: 'admin', password: 'e2e-admin-password', email: 'admin@example.com' };

/** Creates the admin with the CLI, as an operator would (`usher create-admin`). Idempotent. */
export function createAdminByCli() {
  try {
    execFileSync(path.join(ROOT, 'target', 'debug', 'usher'),
      ['create-admin', '--username', ADMIN.username, '--email', ADMIN.email], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL, USHER_ADMIN_PASSWORD: ADMIN.password },
        stdio: 'pipe',
      });
  } catch (e: any) {
    const msg = String(e.stderr ?? e);
    if (!msg.includes('already taken')) throw e;
  }
}

/** Waits until the WASM has hydrated the page (the app sets body[data-hydrated]). */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('button:has-text("Sign in")');
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

/** The table body of one invitation. */
export function invitationRow(page: Page, name: string) {
  return page.locator(`tbody.invitation[data-name="${name}"]`);
}

/** Opens the create form, fills the name and custom attributes, saves, and waits for the row. */
export async function createInvitation(page: Page, name: string, customAttributes: string, opts: { flowSlug?: string } = {}) {
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  await page.fill('#invitation-name', name);
  if (opts.flowSlug) {
    await page.selectOption('#invitation-flow', { label: opts.flowSlug });
  }
  await page.fill('#invitation-fixed-data', customAttributes);
  await page.check('#invitation-single-use');
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  await expect(invitationRow(page, name)).toBeVisible();
}

/** Expands a row and returns its link. */
export async function readLink(page: Page, name: string): Promise<string> {
  const row = invitationRow(page, name);
  const details = row.locator('tr.details');
  if (!(await details.isVisible())) {
    await row.locator('tr.summary').click();
  }
  await expect(details).toBeVisible();
  return await row.locator('input.invitation-link').inputValue();
}
