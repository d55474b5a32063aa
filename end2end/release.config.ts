import { defineConfig } from '@playwright/test';
import { launchOptions } from './chromium';

// The release smoke test (end2end/release/): starts Usher itself with the README's run command
// (`./scripts/run.sh`, release build) on a fresh SQLite file, so it has no webServer here.
export default defineConfig({
  testDir: './release',
  outputDir: './test-results-release',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions,
  },
});
