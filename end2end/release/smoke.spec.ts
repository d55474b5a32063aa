import { test, expect, Page, BrowserContext, Response } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The release smoke test: the README's run command (`./scripts/run.sh`, a `cargo leptos serve --release
// --precompress`) on a fresh SQLite file, as a new user starts Usher. It must print its URL and the one-time
// set-up link and keep serving; the set-up link creates the first admin; the admin's invitations page hydrates
// (click handlers in the table work), loading its JS, WASM and CSS under cargo-leptos's hashed names, compressed
// (the brotli or gzip siblings `--precompress` writes) and cacheable for a year; an invitation's landing page is
// served as plain HTML without WASM or script files; no page logs a console error.
const ROOT = path.resolve(__dirname, '..', '..');
const PORT = process.env.USHER_SMOKE_PORT ?? '3121';
const BASE_URL = `http://127.0.0.1:${PORT}`;

let server: ChildProcess | undefined;
let output = '';
let setupLink = '';
/** The invitation link the first test creates, for the second. */
let link = '';

/** Resolves with the first match of `re` in the server's output, or rejects when it exits or times out. */
function waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const m = output.match(re);
      if (m) return resolve(m);
      if (server?.exitCode !== null && server?.exitCode !== undefined) {
        return reject(new Error(`./scripts/run.sh exited with ${server.exitCode}:\n${output}`));
      }
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${re}:\n${output}`));
      setTimeout(tick, 200);
    };
    tick();
  });
}

/** Fails the test on any console error or uncaught exception of the pages of `context`. */
function watchErrors(context: BrowserContext): string[] {
  const errors: string[] = [];
  context.on('page', p => {
    p.on('console', m => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    p.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
  });
  return errors;
}

async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(15 * 60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usher-smoke-'));
  server = spawn('./scripts/run.sh', [], {
    cwd: ROOT,
    detached: true, // its own process group, so the server that cargo-leptos starts is stopped with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${path.join(dir, 'usher.db')}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
      RUST_LOG: 'warn',
    },
  });
  server.stdout!.on('data', d => { output += d.toString(); });
  server.stderr!.on('data', d => { output += d.toString(); });
  await waitForOutput(new RegExp(`Usher is listening on ${BASE_URL.replace(/[.]/g, '\\.')}`), 14 * 60_000);
  setupLink = (await waitForOutput(/Create the first one at: (\S+\/setup\?token=[0-9a-f-]{36})/, 30_000))[1];
});

test.afterAll(async () => {
  if (server?.pid) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
});

test('the release build creates the first admin and its invitations table hydrates', async ({ browser }) => {
  const context = await browser.newContext();
  const errors = watchErrors(context);
  const page = await context.newPage();
  // Issue 34 item 4: what the pages load from /pkg.
  const assets: Response[] = [];
  page.on('response', r => { if (new URL(r.url()).pathname.startsWith('/pkg/')) assets.push(r); });

  expect(setupLink.startsWith(`${BASE_URL}/setup?token=`)).toBe(true);
  const res = await page.goto(setupLink);
  expect(res?.status()).toBe(200);
  await hydrated(page);
  await page.fill('#setup-username', 'smoke-admin');
  await page.fill('#setup-email', 'smoke-admin@example.com');
  await page.fill('#setup-password', 'smoke-password-1');
  await page.fill('#setup-password-repeat', 'smoke-password-1');
  await page.click('button:has-text("Create administrator")');
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await hydrated(page);
  await expect(page.getByTestId('admin-username')).toHaveText('smoke-admin');

  // "Create" is a click handler of the hydrated page; so are the row's summary and its actions.
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  await page.fill('#invitation-name', 'smoke-invitation');
  await page.fill('#invitation-fixed-data', 'name: Smoke Test');
  await page.check('#invitation-single-use');
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  const row = page.locator('tbody.invitation[data-name="smoke-invitation"]');
  await expect(row.getByTestId('status')).toHaveText('active');
  await expect(row.locator('tr.details')).toBeHidden();
  await row.locator('tr.summary').click();
  await expect(row.locator('tr.details')).toBeVisible();
  await expect(row.locator('button.expand')).toHaveAttribute('aria-expanded', 'true');
  link = await row.locator('input.invitation-link').inputValue();
  expect(link).toMatch(new RegExp(`^${BASE_URL}/if/flow/invitation-enrollment-flow-external/\\?itoken=[0-9a-f-]{36}$`));

  // The Delete confirmation is a nested component of the row: its handler works too, and Cancel undoes it.
  await row.locator('button:has-text("Delete")').click();
  await expect(row.locator('.confirm')).toContainText('Delete smoke-invitation?');
  await row.locator('button:has-text("Cancel")').click();
  await expect(row.locator('.confirm')).toHaveCount(0);

  // The build hashed the names of the JS, WASM and CSS (cargo-leptos `hash-files`), the pages link those
  // names, and the server sends them compressed, varying by Accept-Encoding, immutable for a year.
  const hashed = /^\/pkg\/usher\.[A-Za-z0-9_-]{22}\.(js|wasm|css)$/;
  const paths = assets.map(r => new URL(r.url()).pathname);
  for (const ext of ['js', 'wasm', 'css']) {
    expect(paths.some(p => hashed.test(p) && p.endsWith(`.${ext}`)), `a hashed .${ext} in ${paths}`).toBe(true);
    expect(paths, 'no unhashed name').not.toContain(`/pkg/usher.${ext}`);
  }
  for (const r of assets) {
    const p = new URL(r.url()).pathname;
    if (!hashed.test(p)) continue;
    const headers = await r.allHeaders();
    expect(r.status(), p).toBe(200);
    expect(['br', 'gzip'], `${p}: ${JSON.stringify(headers)}`).toContain(headers['content-encoding']);
    expect(headers['vary'] ?? '', p).toMatch(/accept-encoding/i);
    expect(headers['cache-control'], p).toBe('public, max-age=31536000, immutable');
  }

  expect(errors).toEqual([]);
  await context.close();
});

test('the release build serves an invitation landing page as plain HTML, with no WASM or script file', async ({ browser }) => {
  expect(link).not.toBe('');
  const context = await browser.newContext();
  const errors = watchErrors(context);
  const page = await context.newPage();
  // Issue 13, P5: the invitee pages ship no WASM and no JavaScript file, and work as plain forms.
  const loaded: string[] = [];
  page.on('request', r => {
    const p = new URL(r.url()).pathname;
    if (r.resourceType() === 'script' || p.endsWith('.wasm') || p.endsWith('.js')) loaded.push(p);
  });
  const res = await page.goto(link);
  expect(res?.status()).toBe(200);
  expect(res?.headers()['referrer-policy']).toBe('same-origin');
  await page.waitForSelector('body[data-static="true"]');
  await expect(page.locator('#field-name')).toHaveValue('Smoke Test');
  await expect(page.locator('#field-username')).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(loaded).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});
