import { test, expect } from '@playwright/test';
import {
  ADMIN, codesFor, createAdminByCli, createInvitation, enroll, ready, invitationRow, linkIn, mailsTo, readLink, signIn,
} from './helpers';

// Journey 2 of DESIGN.md: email mode. The message is read from a real SMTP server process.
test.beforeAll(() => {
  createAdminByCli();
});

test('journey 2: an invitation with an email arrives by SMTP and its link enrolls the invitee', async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  // For Dana's address only: an email-limited invitation, whose address must be proven.
  await createInvitation(page, 'mailed-dana', 'name: Dana Mail\nemail: dana@company.com\n', { emails: 'dana@company.com' });

  await expect.poll(() => mailsTo('dana@company.com').length, { timeout: 30_000 }).toBe(1);
  const mail = mailsTo('dana@company.com')[0];
  expect(mail.data).toContain("Subject: You've been invited to join Usher");
  const link = linkIn(mail.data);
  expect(link).toBe(await readLink(page, 'mailed-dana'));
  // Delivered: the admin sees the message sent.
  const row = invitationRow(page, 'mailed-dana');
  await expect(async () => {
    await page.reload();
    await ready(page);
    await readLink(page, 'mailed-dana');
    await expect(row.locator('.messages li[data-status="sent"]')).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  const dana = await browser.newContext();
  const p = await dana.newPage();
  await p.goto(link);
  await ready(p);
  await expect(p.locator('#field-email')).toHaveValue('dana@company.com');
  await expect(p.locator('#field-name')).toHaveValue('Dana Mail');
  // The link Usher mailed to Dana proves her address: no code page, though the invitation is limited to it.
  await expect(p.locator('#submit-stage')).toHaveText('Create account');
  await enroll(p, 'dana', 'dana@company.com');
  await expect(p.getByTestId('profile-username')).toHaveText('dana');
  expect(codesFor('dana@company.com')).toHaveLength(0);
  await expect(p.getByTestId('profile-email')).toHaveText('dana@company.com');
  await dana.close();

  // The admin can resend it with a copy.
  await page.reload();
  await ready(page);
  await readLink(page, 'mailed-dana');
  await row.locator('button.send').click();
  await expect(page.locator('#send-to')).toHaveValue('dana@company.com');
  await page.fill('#send-cc', 'manager@company.com');
  await page.click('#send-submit');
  await expect.poll(() => mailsTo('manager@company.com').length, { timeout: 30_000 }).toBe(1);
  expect(linkIn(mailsTo('manager@company.com')[0].data)).toBe(link);
});
