import { test, expect, Browser } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import {
  adminPage, createAdminByCli, createInvitation, enroll, fresh, invitationRow, linkIn, mailsTo, readLink, ready,
  screenshot, unfold, ADMIN,
} from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

/** Creates an invitation in the editor: `locale` '' for the invitee's browser's. */
async function createWithLocale(page: import('@playwright/test').Page, name: string, locale: string, attrs = '') {
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  await page.fill('#invitation-name', name);
  if (attrs) await page.fill('#invitation-fixed-data', attrs);
  await page.selectOption('#invitation-locale', locale);
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  await expect(invitationRow(page, name)).toBeVisible();
}

async function browserIn(browser: Browser, opts: { locale?: string; timezoneId?: string }) {
  const context = await browser.newContext(opts);
  return { context, page: await context.newPage() };
}

// Issue 16 item 1: an invitation with `locale: de` speaks German in its email, landing page, stage,
// errors, and the account it makes keeps German.
test('an invitation in German: email, landing, stage and errors in German', async ({ page, browser }) => {
  await adminPage(page);
  await createWithLocale(page, 'auf-deutsch', 'de', 'email: jana.de@example.com');
  await expect.poll(() => mailsTo('jana.de@example.com').length, { timeout: 30_000 }).toBe(1);
  const mail = unfold(mailsTo('jana.de@example.com')[0].data);
  expect(mail).toContain('Subject: Sie wurden zu Usher eingeladen');
  expect(mail).toContain('Guten Tag,');
  const link = linkIn(mail);

  // An English browser still gets German: the invitation says so.
  const { context, page: jana } = await browserIn(browser, { locale: 'en-US' });
  await jana.goto(link);
  await ready(jana);
  await expect(jana.locator('html')).toHaveAttribute('lang', 'de');
  await expect(jana.locator('.invitation-summary')).toContainText('Eingeladen von');
  await expect(jana.locator('label[for="field-username"]')).toHaveText('Benutzername');
  await jana.fill('#field-username', 'jana-de');
  await jana.fill('#field-name', 'Jana');
  await jana.fill('#field-password', 'invitee-password-1');
  await jana.fill('#field-password_repeat', 'something-else-2');
  await jana.click('#submit-stage');
  await expect(jana.locator('.field-error[data-field="password_repeat"], .field-error[data-field="password"]'))
    .toContainText('Die Passwörter stimmen nicht überein.');
  await screenshot(jana, 'i18n-stage-de.png');
  await jana.fill('#field-password', 'invitee-password-1');
  await jana.fill('#field-password_repeat', 'invitee-password-1');
  await jana.click('#submit-stage');
  await expect(jana).not.toHaveURL(/\/if\/flow\//);
  await context.close();
});

// A public link follows the browser's Accept-Language (Playwright's `locale` sets it).
test('a German browser gets German on a public link, an English one English', async ({ page, browser }) => {
  await adminPage(page);
  await createWithLocale(page, 'browser-decides', '');
  const link = await readLink(page, 'browser-decides');
  const de = await browserIn(browser, { locale: 'de-DE' });
  await de.page.goto(link);
  await ready(de.page);
  await expect(de.page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(de.page.locator('#submit-stage')).toHaveText('Konto anlegen');
  await de.context.close();
  const en = await browserIn(browser, { locale: 'en-GB' });
  await en.page.goto(link);
  await ready(en.page);
  await expect(en.page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(en.page.locator('#submit-stage')).toHaveText('Create account');
  await en.context.close();
});

// The switcher mid-flow keeps what was typed (never the password), without JavaScript's help.
test('switching language mid-flow keeps the typed fields', async ({ page, browser }) => {
  await adminPage(page);
  await createWithLocale(page, 'switch-me', '');
  const link = await readLink(page, 'switch-me');
  const { context, page: p } = await browserIn(browser, { locale: 'en-US' });
  await p.goto(link);
  await ready(p);
  await p.fill('#field-username', 'switcher');
  await p.fill('#field-name', 'Sam Switcher');
  await p.fill('#field-password', 'not-kept-password');
  await p.click('#lang-de');
  await expect(p.locator('html')).toHaveAttribute('lang', 'de');
  await expect(p.locator('#field-username')).toHaveValue('switcher');
  await expect(p.locator('#field-name')).toHaveValue('Sam Switcher');
  await expect(p.locator('#field-password')).toHaveValue('');
  await expect(p.locator('#lang-de')).toBeDisabled();
  // The choice is remembered: the page stays German on the next visit.
  await p.goto(link);
  await expect(p.locator('html')).toHaveAttribute('lang', 'de');
  await p.click('#lang-en');
  await expect(p.locator('html')).toHaveAttribute('lang', 'en');
  await context.close();
});

// Issue 16 item 2: the landing page shows the expiry in the viewer's time zone, named, with UTC on hover.
for (const [zone, named] of [['America/New_York', /EST|EDT|GMT-[45]/], ['Asia/Tokyo', /GMT\+9|JST/]] as const) {
  test(`the landing page shows the expiry in ${zone}`, async ({ page, browser }) => {
    await adminPage(page);
    const name = `tz-${zone.split('/')[1].toLowerCase()}`;
    await createWithLocale(page, name, 'en');
    const link = await readLink(page, name);
    const { context, page: p } = await browserIn(browser, { locale: 'en-US', timezoneId: zone });
    await p.goto(link);
    await ready(p);
    const time = p.locator('#invitation-expires time');
    await expect(time).toHaveAttribute('data-zone', zone);
    await expect(time).toHaveText(named);
    await expect(time).toHaveAttribute('title', / UTC$/);
    await expect(p.locator('#invitation-expires')).toContainText('in 7 days');
    await context.close();
  });
}

// Issue 16 item 2 on the dashboard: the table shows the expiry in the viewer's zone, named, UTC on hover;
// an expiry typed in the editor means the viewer's zone and round-trips to the same UTC instant.
test('the dashboard shows times in the viewer\'s zone and the editor round-trips them', async ({ browser }) => {
  const { context, page } = await browserIn(browser, { locale: 'en-US', timezoneId: 'Asia/Tokyo' });
  await adminPage(page);
  await page.click('#create-invitation');
  await expect(page.locator('label[for="invitation-expires"]')).toContainText('Asia/Tokyo');
  await page.fill('#invitation-name', 'tokyo-expiry');
  await page.fill('#invitation-expires', '2030-01-01T09:00');
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  const row = invitationRow(page, 'tokyo-expiry');
  const cell = row.locator('td.expires time');
  // 09:00 in Tokyo is midnight UTC.
  await expect(cell).toHaveAttribute('title', '2030-01-01 00:00 UTC');
  await expect(cell).toHaveAttribute('data-zone', 'Asia/Tokyo');
  await expect(cell).toHaveText(/Jan 1, 2030, 09:00 (GMT\+9|JST)/);
  // Edit: the input shows the same local time again, and saving keeps the instant.
  await row.locator('tr.summary').click();
  await row.locator('button:has-text("Edit")').click();
  await expect(page.locator('#invitation-expires')).toHaveValue('2030-01-01T09:00');
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  await expect(row.locator('td.expires time')).toHaveAttribute('title', '2030-01-01 00:00 UTC');

  // The other pages' times too: the outbox (the invitation's email was queued) and the events (it was
  // created), each a <time> in Tokyo's zone with UTC on hover.
  for (const [path, cell] of [['/admin/outbox', 'table tbody tr time'], ['/admin/events', 'table.events tbody tr time']]) {
    await page.goto(path);
    await ready(page);
    const t = page.locator(cell).first();
    await expect(t).toHaveAttribute('data-zone', 'Asia/Tokyo');
    await expect(t).toHaveAttribute('title', / UTC$/);
    await expect(t).toHaveText(/(GMT\+9|JST)$/);
  }
  await context.close();
});

// Issue 16 item 1: someone with an account follows a German invitation: sign-in and the accept page speak
// German, even to an English browser.
test('an existing account accepts a German invitation in German, sign-in included', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'uta-account', '');
  const first = await fresh(browser);
  await first.page.goto(await readLink(page, 'uta-account'));
  await enroll(first.page, 'uta', 'uta@example.com', 'uta-password-1');
  await expect(first.page.getByTestId('profile-username')).toHaveText('uta');
  await first.context.close();

  await createWithLocale(page, 'uta-de', 'de');
  const link = await readLink(page, 'uta-de');
  const { context, page: uta } = await browserIn(browser, { locale: 'en-US' });
  await uta.goto(link);
  await ready(uta);
  await uta.click('#existing-account');
  await expect(uta).toHaveURL(/\/login\?next=\/if\/accept\/&lang=de$/);
  await ready(uta);
  await expect(uta.locator('html')).toHaveAttribute('lang', 'de');
  await expect(uta.locator('h1')).toHaveText('Bei Usher anmelden');
  await uta.fill('#login-username', 'uta');
  await uta.fill('#login-password', 'uta-password-1');
  await uta.click('button:has-text("Anmelden")');
  await expect(uta).toHaveURL(/\/if\/accept\/$/);
  await ready(uta);
  await expect(uta.locator('html')).toHaveAttribute('lang', 'de');
  await expect(uta.locator('h1')).toHaveText('Einladung annehmen');
  await expect(uta.locator('#accept-invitation')).toHaveText('Als uta annehmen');
  await uta.click('#accept-invitation');
  await expect(uta).toHaveURL(/\/$/);
  await context.close();
});

// Issue 16 item 5: the theme switcher is a plain form; the choice is remembered and wins over the system's.
test('the theme switcher is remembered across pages', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'light' });
  const p = await context.newPage();
  await p.goto('/login');
  await ready(p);
  await expect(p.locator('html')).not.toHaveAttribute('data-theme', /./);
  await p.click('#theme-dark');
  await expect(p).toHaveURL(/\/login$/);
  await expect(p.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(p.locator('#theme-dark')).toHaveAttribute('aria-pressed', 'true');
  // Dark palette although the system is light.
  await expect(p.locator('html')).toHaveCSS('background-color', 'rgb(13, 17, 23)');
  await p.goto('/if/flow/nope/?itoken=00000000-0000-4000-8000-000000000000');
  await expect(p.locator('html')).toHaveAttribute('data-theme', 'dark');
  await p.click('#theme-auto');
  await expect(p.locator('html')).not.toHaveAttribute('data-theme', /./);
  await context.close();
});

// Issue 16 item 1 on the dashboard: a German browser gets sign-in and the whole dashboard in German (axe
// passes on it); the switcher in the top bar changes the language and stays on the page.
test('the dashboard speaks German to a German browser, and its switcher changes it', async ({ browser }) => {
  const { context, page } = await browserIn(browser, { locale: 'de-DE' });
  await page.goto('/login');
  await ready(page);
  await page.fill('#login-username', ADMIN.username);
  await page.fill('#login-password', ADMIN.password);
  await page.click('button[type="submit"]:has-text("Anmelden")');
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.locator('h1')).toHaveText('Einladungen');
  await expect(page.locator('nav.sidebar')).toContainText('Benutzer');
  await expect(page.locator('table.invitations th').nth(1)).toHaveText('Name');
  // The German editor creates an invitation as the English one does.
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  await expect(page.locator('#invitation-save')).toHaveText('Speichern');
  await page.fill('#invitation-name', 'auf-deutsch-erstellt');
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  const row = invitationRow(page, 'auf-deutsch-erstellt');
  await expect(row.locator('.badge')).toHaveText('aktiv');
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(axe.violations.map(v => `${v.id}: ${v.help}`)).toEqual([]);
  for (const [path, heading] of [['/admin/users', 'Benutzer'], ['/admin/email', 'E-Mail']]) {
    await page.goto(path);
    await ready(page);
    await expect(page.locator('h1').first()).toHaveText(heading);
  }
  // The switcher: English, on the same page, and it stays English.
  await page.click('#lang-en');
  await expect(page).toHaveURL(/\/admin\/email$/);
  await ready(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('h1').first()).toHaveText('Email');
  await page.goto('/admin/invitations');
  await ready(page);
  await expect(page.locator('h1')).toHaveText('Invitations');
  await context.close();
});
