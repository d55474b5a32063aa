import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { PORTAL_URL } from '../playwright.config';
import { adminPage, createAdminByCli, createInvitation, fresh, mailsTo, readLink, ready, screenshot, unfold } from './helpers';

// Issue 16 item 5: the brand's title, logo and accent colour (System → Brands) on the invitee's pages and in
// the invitation email. The logo is served from another origin (the portal stand-in), so it only shows if
// the page's Content-Security-Policy names that origin.
const LOGO = new URL('logo.svg', PORTAL_URL).toString();

test.beforeAll(() => {
  createAdminByCli();
});

async function saveBrand(page: Page, title: string, logo: string, accent: string, locale = '') {
  await page.goto('/admin/brands');
  await ready(page);
  await page.fill('#brand-title', title);
  await page.fill('#brand-logo', logo);
  await page.fill('#brand-accent', accent);
  await page.selectOption('#brand-locale', locale);
  await page.click('#brand-save');
  await expect(page.locator('#brand-saved')).toBeVisible();
}

test('the brand shows on the landing page and in the email, readable in light and dark', async ({ page, browser }) => {
  await adminPage(page);
  // A bad colour is refused by name and saves nothing.
  await page.goto('/admin/brands');
  await ready(page);
  await page.fill('#brand-accent', 'yellow');
  await page.click('#brand-save');
  await expect(page.locator('.field-error[data-field="branding_accent"]')).toContainText('#rrggbb');
  await saveBrand(page, 'Acme Corp', LOGO, '#ffdd00');
  // What was saved comes back.
  await page.reload();
  await ready(page);
  await expect(page.locator('#brand-title')).toHaveValue('Acme Corp');
  await expect(page.locator('#brand-accent')).toHaveValue('#ffdd00');

  await page.goto('/admin/invitations');
  await ready(page);
  // The dashboard names the brand too.
  await expect(page.locator('nav.sidebar a.brand')).toHaveText('Acme Corp');
  await createInvitation(page, 'branded-link', 'email: brand-e2e@example.org');
  const link = await readLink(page, 'branded-link');
  // The email: the brand in the subject, the logo, the button in the accent with black text.
  await expect.poll(() => mailsTo('brand-e2e@example.org').length, { timeout: 30_000 }).toBeGreaterThan(0);
  const mail = unfold(mailsTo('brand-e2e@example.org')[0].data);
  expect(mail).toContain('Subject: You\'ve been invited to join Acme Corp');
  expect(mail.replace(/&#x2f;/g, '/')).toContain(`<img src="${LOGO}" alt="Acme Corp"`);
  expect(mail).toContain('background:#ffdd00;color:#000000;');

  for (const colorScheme of ['light', 'dark'] as const) {
    const { context, page: invitee } = await fresh(browser);
    await invitee.emulateMedia({ colorScheme });
    await invitee.goto(link);
    await ready(invitee);
    await expect(invitee).toHaveTitle('Acme Corp');
    await expect(invitee.locator('.brand-title')).toHaveText('Acme Corp');
    const logo = invitee.locator('img.brand-logo');
    await expect(logo).toHaveAttribute('src', LOGO);
    // Loaded: the policy let the portal's origin in.
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    const button = invitee.locator('#submit-stage');
    await expect(button).toHaveCSS('background-color', 'rgb(255, 221, 0)');
    await expect(button).toHaveCSS('color', 'rgb(0, 0, 0)');
    await screenshot(invitee, `brand-landing-${colorScheme}.png`);
    const r = await new AxeBuilder({ page: invitee }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
    expect(r.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(' | ')}`), colorScheme).toEqual([]);
    await context.close();
  }

  // The brand's default language (issue 16 item 1): a browser asking for a language Usher does not speak
  // gets it; one asking for English still gets English.
  await saveBrand(page, 'Acme Corp', LOGO, '#ffdd00', 'de');
  await expect(page.locator('#brand-locale')).toHaveValue('de');
  for (const [locale, lang] of [['fr-FR', 'de'], ['en-US', 'en']]) {
    const context = await browser.newContext({ locale });
    const invitee = await context.newPage();
    await invitee.goto(link);
    await ready(invitee);
    await expect(invitee.locator('html')).toHaveAttribute('lang', lang);
    await context.close();
  }

  // Cleared: Usher's look and language again (the specs after this one expect it).
  await saveBrand(page, '', '', '');
  const { context, page: invitee } = await fresh(browser);
  await invitee.goto(link);
  await ready(invitee);
  await expect(invitee.locator('.brand-title')).toHaveText('Usher');
  await expect(invitee.locator('img.brand-logo')).toHaveCount(0);
  await expect(invitee.locator('#submit-stage')).toHaveCSS('background-color', 'rgb(196, 50, 26)');
  await context.close();
});
