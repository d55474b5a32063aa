import { test, expect } from '@playwright/test';
import { adminPage, createAdminByCli, screenshot } from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

// Issue 15 item 7: the invitation editor answers "would this address be accepted?" with the rule that
// admits or refuses it, and previews the invitation email for its current (unsaved) values.
test('the editor checks an address against the typed rules and previews the email', async ({ page }) => {
  await adminPage(page);
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  await page.fill('#invitation-name', 'previewed-cohort');
  await page.fill('#invitation-emails', 'jane@example.com\n*@company.com');

  // Admitted by the domain rule, as typed (nothing saved yet).
  await page.fill('#check-address', 'bob@company.com');
  await page.click('#check-address-submit');
  const verdict = page.locator('#address-verdict');
  await expect(verdict).toHaveText('Accepted by the rule *@company.com: any address at company.com.');
  await expect(verdict).toHaveAttribute('data-accepted', 'true');

  // Refused, naming the rules.
  await page.fill('#check-address', 'bob@sub.company.com');
  await page.click('#check-address-submit');
  await expect(verdict).toHaveText('Refused: no rule matches. The rules are: jane@example.com, *@company.com.');
  await expect(verdict).toHaveAttribute('data-accepted', 'false');

  // Another rule typed: the check reads the editor's current rules.
  await page.fill('#invitation-emails', '*@sub.company.com');
  await page.click('#check-address-submit');
  await expect(verdict).toHaveText('Accepted by the rule *@sub.company.com: any address at sub.company.com.');

  // The preview: the subject, the HTML in a sandboxed frame, the text with the placeholder link.
  await page.click('#preview-email');
  await expect(page.locator('#email-preview')).toBeVisible();
  await expect(page.locator('#preview-subject')).toHaveText(/^You've been invited to join /);
  const frame = page.locator('#preview-html');
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect(page.frameLocator('#preview-html').locator('body')).toContainText('has invited you to join');
  await expect(page.frameLocator('#preview-html').locator('a')).toHaveText('Accept the invitation');
  await expect(page.locator('#preview-text')).toContainText('itoken=PREVIEW-');
  await screenshot(page, 'preview.png');

  // Nothing was saved by checking or previewing.
  await page.click('#invitation-form .actions button.secondary');
  await expect(page.locator('tbody.invitation[data-name="previewed-cohort"]')).toHaveCount(0);
});
