// How both Playwright configurations launch Debian's Chromium: browser downloads are not possible on our
// machines, so tests use /usr/bin/chromium (or CHROMIUM_PATH) with these flags.
export const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic',
  ],
};
