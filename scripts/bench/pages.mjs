// Page weight and time to interactive (issue 13, P5), in Debian's Chromium on loopback: for each page,
// a fresh browser context (cold cache) loads it and records every script and WebAssembly response it
// fetches (bytes raw, gzip -9 and brotli -11 of the same body), and the milliseconds from starting the
// navigation until the page is interactive (`body[data-hydrated="true"]`, set when hydration is done; the
// invitee pages ship no WASM, are interactive once parsed, and say so with `body[data-static="true"]`).
// usage: node scripts/bench/pages.mjs BASE USERNAME PASSWORD LANDING_URL
// Then, from the loaded invitations page, each other admin page by its sidebar link: what it fetches more
// (its chunk) and the milliseconds until its heading shows (name=then-admin-<page>).
// Prints: RESULT page name=… raw=… gzip=… br=… tti_ms=…
import { chromium } from 'playwright';
import zlib from 'node:zlib';

const [base, username, password, landing] = process.argv.slice(2);
for (const u of [base, landing]) {
  const host = new URL(u).hostname;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error('loopback only');
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});

async function measure(name, url, storageState) {
  const ctx = await browser.newContext({ storageState });
  const page = await ctx.newPage();
  const bodies = [];
  page.on('response', (r) => {
    const type = r.request().resourceType();
    const path = new URL(r.url()).pathname;
    if (type === 'script' || path.endsWith('.wasm') || path.endsWith('.js')) bodies.push(r.body().catch(() => Buffer.alloc(0)));
  });
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-hydrated="true"], body[data-static="true"]', { timeout: 30_000 });
  const tti = Date.now() - t0;
  await page.waitForLoadState('networkidle');
  let raw = 0, gzip = 0, br = 0;
  for (const b of await Promise.all(bodies)) {
    raw += b.length;
    gzip += zlib.gzipSync(b, { level: 9 }).length;
    br += zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  console.log(`RESULT page name=${name} raw=${raw} gzip=${gzip} br=${br} tti_ms=${tti}`);
  await ctx.close();
}

await measure('landing', landing);
await measure('login', `${base}/login`);
// Sign in once, then measure the admin page from a fresh context holding only the session cookie.
const ctx = await browser.newContext();
const page = await ctx.newPage();
await page.goto(`${base}/login`);
await page.waitForSelector('body[data-hydrated="true"], body[data-static="true"]');
await page.fill('input[name="username"]', username);
await page.fill('input[name="password"]', password);
await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.press('input[name="password"]', 'Enter')]);
const state = await ctx.storageState();
await ctx.close();
await measure('admin-invitations', `${base}/admin/invitations`, state);

// Issue 37 item 1: every other admin page, reached from the loaded invitations page by its sidebar link,
// fetches only its own chunk; what each navigation adds (script and WASM) and how long until the page's
// heading is shown.
{
  const ctx = await browser.newContext({ storageState: state });
  const page = await ctx.newPage();
  await page.goto(`${base}/admin/invitations`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  const hrefs = await page.$$eval('nav.sidebar a', (as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs.filter((h) => h && h.startsWith('/admin/') && h !== '/admin/invitations')) {
    const bodies = [];
    const on = (r) => {
      const path = new URL(r.url()).pathname;
      if (r.request().resourceType() === 'script' || path.endsWith('.wasm') || path.endsWith('.js')) bodies.push(r.body().catch(() => Buffer.alloc(0)));
    };
    page.on('response', on);
    const t0 = Date.now();
    await page.click(`nav.sidebar a[href="${href}"]`);
    await page.waitForURL((u) => u.pathname === href);
    await page.waitForSelector('main h1, section.page h1, #chunk-failed', { timeout: 30_000 });
    const shown = Date.now() - t0;
    await page.waitForLoadState('networkidle');
    page.off('response', on);
    let raw = 0, gzip = 0, br = 0;
    for (const b of await Promise.all(bodies)) {
      raw += b.length;
      gzip += zlib.gzipSync(b, { level: 9 }).length;
      br += zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    }
    console.log(`RESULT page name=then${href.replaceAll('/', '-')} raw=${raw} gzip=${gzip} br=${br} tti_ms=${shown}`);
  }
  await ctx.close();
}
await browser.close();
