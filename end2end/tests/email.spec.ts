import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADMIN, ROOT, createAdminByCli, createInvitation, enroll, hydrated, invitationRow, readLink, signIn } from './helpers';
import { MAIL_DIR } from '../playwright.config';

// Journey 2 of DESIGN.md: email mode. The message is read from a real SMTP server process.
test.beforeAll(() => {
  createAdminByCli();
});

type Mail = { rcpt_tos: string[]; data: string };

function mailsTo(address: string): Mail[] {
  const dir = path.join(ROOT, MAIL_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter(n => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map(n => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as Mail)
    .filter(m => m.rcpt_tos.includes(address));
}

/** The invitation link in a message (quoted-printable soft breaks undone). */
function linkIn(data: string): string {
  const text = data.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const m = text.match(/https?:\/\/[^\s"<]+\/if\/flow\/[^\s"<]+\?itoken=[0-9a-f-]{36}/);
  if (!m) throw new Error(`no link in message:\n${text}`);
  return m[0];
}

test('journey 2: an invitation with an email arrives by SMTP and its link enrolls the invitee', async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await hydrated(page);
  await createInvitation(page, 'mailed-dana', 'name: Dana Mail\nemail: dana@company.com\n');

  await expect.poll(() => mailsTo('dana@company.com').length, { timeout: 30_000 }).toBe(1);
  const mail = mailsTo('dana@company.com')[0];
  expect(mail.data).toContain("Subject: You've been invited to join Usher");
  const link = linkIn(mail.data);
  expect(link).toBe(await readLink(page, 'mailed-dana'));

  const dana = await browser.newContext();
  const p = await dana.newPage();
  await p.goto(link);
  await hydrated(p);
  await expect(p.locator('#field-email')).toHaveValue('dana@company.com');
  await expect(p.locator('#field-name')).toHaveValue('Dana Mail');
  await enroll(p, 'dana', 'dana@company.com');
  await expect(p.getByTestId('profile-username')).toHaveText('dana');
  await expect(p.getByTestId('profile-email')).toHaveText('dana@company.com');
  await dana.close();

  // The admin sees the message delivered, and can resend it with a copy.
  await page.reload();
  await hydrated(page);
  const row = invitationRow(page, 'mailed-dana');
  await readLink(page, 'mailed-dana');
  await expect(row.locator('.messages li[data-status="sent"]')).toHaveCount(1);
  await row.locator('button.send').click();
  await expect(page.locator('#send-to')).toHaveValue('dana@company.com');
  await page.fill('#send-cc', 'manager@company.com');
  await page.click('#send-submit');
  await expect.poll(() => mailsTo('manager@company.com').length, { timeout: 30_000 }).toBe(1);
  expect(linkIn(mailsTo('manager@company.com')[0].data)).toBe(link);
});
