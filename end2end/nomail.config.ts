import { defineConfig } from '@playwright/test';
import { launchOptions } from './chromium';
import { USHER_BIN } from './playwright.config';

// Usher out of the box (issue 34): the same `usher` binary on its own fresh SQLite file, started the way the
// default run starts it, with NO SMTP server (no USHER_SMTP_URL, no SMTP sink). The seed runbook's link mode
// must work as written, and every page that would need mail says so. Specs in end2end/nomail/.
const PORT = process.env.USHER_E2E_NOMAIL_PORT ?? '3113';
export const NOMAIL_BASE_URL = `http://127.0.0.1:${PORT}`;
/** Where this server keeps its database and its output (git-ignored, wiped at each run). */
export const NOMAIL_DIR = 'end2end/.e2e-nomail';
export const NOMAIL_DATABASE_URL = `sqlite://${NOMAIL_DIR}/usher.db`;

export default defineConfig({
  testDir: './nomail',
  outputDir: './test-results-nomail',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: NOMAIL_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions,
  },
  webServer: [
    {
      // Playwright passes its own environment on: `env -u` keeps a USHER_SMTP_URL of the caller's shell out.
      command: `rm -rf ${NOMAIL_DIR} && mkdir -p ${NOMAIL_DIR} && exec env -u USHER_SMTP_URL ./${USHER_BIN} > ${NOMAIL_DIR}/server.log 2>&1`,
      cwd: '..',
      url: `${NOMAIL_BASE_URL}/-/health/ready/`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      env: {
        DATABASE_URL: NOMAIL_DATABASE_URL,
        LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
        LEPTOS_SITE_ROOT: 'target/site',
        LEPTOS_OUTPUT_NAME: 'usher',
        USHER_PUBLIC_URL: NOMAIL_BASE_URL,
        RUST_LOG: 'warn',
      },
    },
  ],
});
