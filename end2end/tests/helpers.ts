import { expect, Browser, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { DATABASE_URL, MAIL_DIR, USHER_BIN } from '../playwright.config';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'end2end', 'artifacts');
export const ADMIN = { username: 'admin', password: 'e2e-admin-password', email: 'admin@example.com' };

/** Creates the admin with the CLI, as an operator would (`usher create-admin`), in the database at
 *  `databaseUrl` (the main suite's by default; end2end/nomail/ passes its own). Idempotent. */
export function createAdminByCli(databaseUrl: string = DATABASE_URL) {
  try {
    execFileSync(path.join(ROOT, USHER_BIN),
      ['create-admin', '--username', ADMIN.username, '--email', ADMIN.email], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl, USHER_ADMIN_PASSWORD: ADMIN.password },
        stdio: 'pipe',
      });
  } catch (e: any) {
    const msg = String(e.stderr ?? e);
    if (!msg.includes('already taken')) throw e;
  }
}

/**
 * Waits until the page is ready for input: the WASM has hydrated it (the app sets body[data-hydrated]), or
 * it is one of the invitee's pages, which ship no WASM and are plain HTML forms (body[data-static]).
 */
export async function ready(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"], body[data-static="true"]', { timeout: 60_000 });
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await ready(page);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('button:has-text("Sign in")');
}

/** Signs in as the admin and waits for the invitations page, hydrated. */
export async function adminPage(page: Page) {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
}

/** A new browser context (no cookies: another person) and its page. */
export async function fresh(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

/** The table body of one invitation. */
export function invitationRow(page: Page, name: string) {
  return page.locator(`tbody.invitation[data-name="${name}"]`);
}

export type InvitationOptions = {
  flowSlug?: string;
  singleUse?: boolean;
  quota?: string;
  emails?: string;
  groups?: string[];
  roles?: string[];
};

/** Opens the create form, fills it, saves, and waits for the row. Single use unless told otherwise. */
export async function createInvitation(page: Page, name: string, customAttributes: string, opts: InvitationOptions = {}) {
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  await page.fill('#invitation-name', name);
  if (opts.flowSlug) {
    await page.selectOption('#invitation-flow', { label: opts.flowSlug });
  }
  await page.fill('#invitation-fixed-data', customAttributes);
  if (opts.singleUse ?? true) {
    await page.check('#invitation-single-use');
  } else if (opts.quota) {
    await page.fill('#invitation-quota', opts.quota);
  }
  if (opts.emails) {
    await page.fill('#invitation-emails', opts.emails);
  }
  for (const g of opts.groups ?? []) await page.check(`#group-${g}`);
  for (const r of opts.roles ?? []) await page.check(`#role-${r}`);
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  await expect(invitationRow(page, name)).toBeVisible();
}

/** Calls an admin server function from the signed-in page (same origin, session cookie). */
export async function adminCall(page: Page, endpoint: string, args: object): Promise<any> {
  return await page.evaluate(async ([endpoint, args]) => {
    const r = await fetch(`/api/${endpoint}`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(args),
    });
    if (!r.ok) throw new Error(`${endpoint}: ${r.status} ${await r.text()}`);
    return await r.json();
  }, [endpoint, args] as [string, object]);
}

/** Fills and submits the built-in prompt stage in `page` (already on the link). */
export async function enroll(page: Page, username: string, email: string, password = 'invitee-password-1') {
  await ready(page);
  await page.fill('#field-username', username);
  if (await page.locator('#field-email').getAttribute('readonly') === null) {
    await page.fill('#field-email', email);
  }
  if ((await page.inputValue('#field-name')) === '') await page.fill('#field-name', username);
  await page.fill('#field-password', password);
  await page.fill('#field-password_repeat', password);
  await page.click('#submit-stage');
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

export type Mail = { rcpt_tos: string[]; data: string };

/** The messages the test SMTP server received for `address`, oldest first. */
export function mailsTo(address: string): Mail[] {
  const dir = path.join(ROOT, MAIL_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter(n => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map(n => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as Mail)
    .filter(m => m.rcpt_tos.includes(address));
}

/** A message's text with quoted-printable soft breaks undone. */
export function unfold(data: string): string {
  return data.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
}

/** The invitation link in a message. */
export function linkIn(data: string): string {
  const text = unfold(data);
  const m = text.match(/https?:\/\/[^\s"<]+\/if\/flow\/[^\s"<]+\?itoken=[0-9a-f-]{36}/);
  if (!m) throw new Error(`no link in message:\n${text}`);
  return m[0];
}

/** The verification codes sent to `address`, oldest first. */
export function codesFor(address: string): string[] {
  return mailsTo(address)
    .map(m => unfold(m.data))
    .filter(t => t.includes('verification code is:'))
    .map(t => t.split('verification code is:')[1].match(/\b\d{8}\b/)![0]);
}

/** On the code page: waits for the code sent to `address` (the `nth`, 1-based; default the first),
 *  enters it and submits. */
export async function verifyEmail(page: Page, address: string, nth = 1) {
  await expect(page.locator('#verify-note')).toContainText(address);
  await expect.poll(() => codesFor(address).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(nth);
  await ready(page);
  await page.fill('#field-code', codesFor(address)[nth - 1]);
  await page.click('#submit-stage');
}
