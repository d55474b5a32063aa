import { defineConfig } from '@playwright/test';
import { launchOptions } from './chromium';

// Usher's end-to-end suite: the real `usher` binary (built by `cargo leptos build --release`) on a fresh SQLite
// database, driven in Debian's Chromium (browser downloads are not possible on our machines).
const PORT = process.env.USHER_E2E_PORT ?? '3111';
export const BASE_URL = `http://127.0.0.1:${PORT}`;
export const DATABASE_URL = 'sqlite://end2end/.e2e/usher.db';
export const SMTP_PORT = process.env.USHER_E2E_SMTP_PORT ?? '2526';
/** Where the test SMTP server (scripts/smtp-sink.py) writes each message it receives, as JSON. */
export const MAIL_DIR = 'end2end/.e2e-mail';
/** The `usher` binary under test: the release build by default (what users run), `target/debug/usher` after a
 *  `cargo leptos build --split` for a quicker edit loop. */
export const USHER_BIN = process.env.USHER_E2E_BIN ?? 'target/release/usher';
/** A stand-in for the default application external users are sent to (System → Brands). */
export const PORTAL_URL = `http://127.0.0.1:${process.env.USHER_E2E_PORTAL_PORT ?? '3112'}/`;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions,
  },
  webServer: [
    {
      command: `exec python3 -m http.server ${new URL(PORTAL_URL).port} --bind 127.0.0.1 --directory end2end/fixtures/portal`,
      cwd: '..',
      url: PORTAL_URL,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `rm -rf ${MAIL_DIR} && exec python3 scripts/smtp-sink.py --port ${SMTP_PORT} --dir ${MAIL_DIR}`,
      cwd: '..',
      port: Number(SMTP_PORT),
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // Its output goes to end2end/.e2e/server.log, where an operator would read the set-up link.
      command: `rm -rf end2end/.e2e && mkdir -p end2end/.e2e && exec ./${USHER_BIN} > end2end/.e2e/server.log 2>&1`,
      cwd: '..',
      url: `${BASE_URL}/-/health/ready/`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      env: {
        DATABASE_URL,
        LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
        LEPTOS_SITE_ROOT: 'target/site',
        LEPTOS_OUTPUT_NAME: 'usher',
        USHER_PUBLIC_URL: BASE_URL,
        USHER_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
        USHER_EMAIL_FROM: 'Usher <usher@example.com>',
        RUST_LOG: 'warn',
      },
    },
  ],
});
