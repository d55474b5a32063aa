import { test, expect, Page, Request } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { ADMIN, createAdminByCli, ready, signIn } from './helpers';

// Issue 37 item 1: the admin app loads in pieces. The invitations page (where an admin lands) needs only
// the main WASM (`/pkg/usher.<hash>.wasm`); every other admin page fetches its own chunk the first time it
// is visited. A chunk that fails to load shows an error with a Reload button, never a dead page.

test.beforeAll(() => {
  createAdminByCli();
});

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** A split chunk: a `.wasm` file under `/pkg/` other than the main one. */
function isChunk(url: string) {
  const path = new URL(url).pathname;
  return path.startsWith('/pkg/') && path.endsWith('.wasm') && !/^\/pkg\/usher[._]/.test(path);
}

/** Records every chunk the page requests. */
function chunksOf(page: Page) {
  const seen: string[] = [];
  page.on('request', (r: Request) => {
    if (isChunk(r.url())) seen.push(new URL(r.url()).pathname);
  });
  return seen;
}

test('the invitations page loads no chunk; Users and Flows fetch their own, once', async ({ page }) => {
  const chunks = chunksOf(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  await expect(page.locator('#create-invitation')).toBeVisible();
  expect(chunks).toEqual([]);

  await page.click('nav.sidebar a[href="/admin/users"]');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await expect(page.locator('td', { hasText: ADMIN.username }).first()).toBeVisible();
  expect(chunks.length).toBeGreaterThanOrEqual(1);
  const afterUsers = chunks.length;

  await page.click('nav.sidebar a[href="/admin/flows"]');
  await expect(page.getByRole('heading', { level: 1, name: 'Flows' })).toBeVisible();
  expect(chunks.length).toBeGreaterThan(afterUsers);
  const afterFlows = chunks.length;

  // Back to Users: its chunk is loaded already.
  await page.click('nav.sidebar a[href="/admin/users"]');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  expect(chunks.length).toBe(afterFlows);
});

test('a chunk that fails on navigation shows the error and Reload brings the page', async ({ page }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  const blocked: string[] = [];
  await page.route((url) => isChunk(url.toString()), (route) => {
    blocked.push(route.request().url());
    return route.abort('failed');
  });

  await page.click('nav.sidebar a[href="/admin/users"]');
  const notice = page.locator('#chunk-failed');
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(notice).toContainText('This page could not be loaded');
  expect(blocked.length).toBeGreaterThanOrEqual(1);
  // The rest of the app still works: the sidebar, and the invitations page.
  const axe = await new AxeBuilder({ page }).include('#chunk-failed').withTags(TAGS).analyze();
  expect(axe.violations).toEqual([]);
  await page.click('nav.sidebar a[href="/admin/invitations"]');
  await expect(page.locator('#chunk-failed')).toHaveCount(0);
  await expect(page.locator('#create-invitation')).toBeVisible();

  // Once the network is back, Reload loads the page.
  await page.click('nav.sidebar a[href="/admin/users"]');
  await expect(notice).toBeVisible();
  await page.unrouteAll();
  await page.click('#chunk-failed-reload');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await ready(page);
  await expect(page.locator('#chunk-failed')).toHaveCount(0);
});

test('a chunk that fails before its page is hydrated shows a banner over the page, and the app goes on', async ({ page }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  await page.route((url) => isChunk(url.toString()), (route) => route.abort('failed'));

  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/admin/flows');
  // The server's page is there; its code is not, and the banner says so.
  await expect(page.getByRole('heading', { level: 1, name: 'Flows' })).toBeVisible();
  const banner = page.locator('#chunk-failed.banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner.getByRole('button', { name: 'Reload' })).toBeVisible();
  // The page is left as the server sent it (nothing hydrated it against the wrong code), and the WASM
  // did not crash.
  await expect(page.locator('body[data-hydrated]')).toHaveCount(0);
  expect(errors.filter((e) => /unreachable|panicked/.test(e))).toEqual([]);
  // Its links work: the sidebar leads to the invitations page, which needs no chunk and hydrates.
  await page.click('nav.sidebar a[href="/admin/invitations"]');
  await ready(page);
  await expect(page.locator('#create-invitation')).toBeVisible();
  await expect(page.locator('#chunk-failed')).toHaveCount(0);

  await page.unrouteAll();
  await page.goto('/admin/flows');
  await ready(page);
  await expect(page.locator('#chunk-failed')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Flows' })).toBeVisible();
});
