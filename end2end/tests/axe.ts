import { expect, Browser, BrowserContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { BASE_URL } from '../playwright.config';
import { ready } from './helpers';

/** axe-core's rules for WCAG 2.2 AA (issue 16 item 3). */
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The page's WCAG 2.2 AA violations, one line each (empty when there is none). */
export async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** The ways every page is looked at: the system's light and dark schemes, the theme switcher's remembered
 *  dark choice (its cookie), and a 360 px wide phone. */
export const MODES: { name: string; opts: Parameters<Browser['newContext']>[0]; theme?: string }[] = [
  { name: 'light', opts: { colorScheme: 'light' } },
  { name: 'dark', opts: { colorScheme: 'dark' } },
  { name: 'dark by the switcher', opts: { colorScheme: 'light' }, theme: 'dark' },
  { name: '360px', opts: { viewport: { width: 360, height: 780 } } },
];

/**
 * Runs axe on a page in every mode of {@link MODES}: for each, a new context (with `state`'s cookies: the
 * same signed-in session, when given) where `open` brings the page up; at 360 px the document must not be
 * wider than the screen either (WCAG 1.4.10: a wide table scrolls inside the page, the page does not).
 */
export async function axeInEveryMode(browser: Browser, label: string, open: (page: Page) => Promise<unknown>,
  state?: StorageState) {
  for (const mode of MODES) {
    const context = await browser.newContext({ ...mode.opts, storageState: state });
    if (mode.theme) {
      await context.addCookies([{ name: 'usher_theme', value: mode.theme, url: BASE_URL }]);
    }
    const page = await context.newPage();
    await open(page);
    await ready(page);
    if (mode.theme) {
      await expect(page.locator('html')).toHaveAttribute('data-theme', mode.theme);
    }
    expect(await violations(page), `${label} in ${mode.name}`).toEqual([]);
    if (mode.name === '360px') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${label} is wider than 360 px`).toBeLessThanOrEqual(0);
    }
    await context.close();
  }
}
