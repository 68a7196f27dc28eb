// Every page of the shell, signed out and signed in as each kind of role, in
// English and in Welsh, has no WCAG 2.2 AA violation that axe can find.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, submit, switchLanguage,
} from '../lib/browser.js';

const NORTHMERE = 'Northmere Borough Council';
const LANGS = ['en', 'cy'];

let server;
let browser;

before(async () => {
  server = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens a page, checks its status and language, then runs axe on it. */
async function check(page, lang, label, path, status = 200) {
  if (path !== null) {
    assert.equal(await open(page, path), status, `${label}: HTTP status of ${path}`);
  }
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${label} is in ${lang}`);
  await expectAccessible(page, `${label} [${lang}]`);
}

/** Pages that look the same to anyone: checked signed out and signed in. */
async function commonPages(t, page, lang, who) {
  await t.test(`home, ${who}, ${lang}`, () => check(page, lang, 'home', '/'));
  await t.test(`accessibility statement, ${who}, ${lang}`, () => check(page, lang, 'accessibility', '/accessibility'));
  await t.test(`privacy notice, ${who}, ${lang}`, () => check(page, lang, 'privacy', '/privacy'));
  await t.test(`cookies, ${who}, ${lang}`, () => check(page, lang, 'cookies', '/cookies'));
  await t.test(`404 page, ${who}, ${lang}`, async () => {
    await check(page, lang, '404', '/no-such-page', 404);
    assert.equal(await page.locator('main h1').count(), 1);
    assert.equal(await page.locator('header.govuk-template__header').count(), 1, 'the 404 page is in the shell');
    assert.equal(await page.locator('footer.govuk-footer').count(), 1, 'the 404 page is in the shell');
  });
}

describe('signed out', () => {
  for (const lang of LANGS) {
    test(`every public page, ${lang}`, async (t) => {
      const context = await newContext(browser, server.url);
      const page = await context.newPage();
      try {
        await open(page, '/');
        if (lang === 'cy') await switchLanguage(page, 'cy');
        await commonPages(t, page, lang, 'signed out');
        await t.test(`sign-in, ${lang}`, () => check(page, lang, 'sign-in', '/sign-in'));
        await t.test(`sign-in with errors, ${lang}`, async () => {
          await open(page, '/sign-in');
          assert.equal(await submit(page, '/sign-in'), 422);
          await expectErrorSummary(page, { fields: ['email', 'password'], lang });
          await check(page, lang, 'sign-in with errors', null);
        });
        await t.test(`password reset request, ${lang}`, () => check(page, lang, 'password reset', '/password-reset'));
        await t.test(`password reset request with errors, ${lang}`, async () => {
          await open(page, '/password-reset');
          await page.locator('input[name="email"]').fill('not an email address');
          await submit(page, '/password-reset');
          await expectErrorSummary(page, { fields: ['email'], lang });
          await check(page, lang, 'password reset with errors', null);
        });
        await t.test(`password reset link that is not valid, ${lang}`, () => check(page, lang, 'bad reset link', '/password-reset/not-a-real-token', 404));
        await t.test(`invitation link that is not valid, ${lang}`, () => check(page, lang, 'bad invitation link', '/invitations/not-a-real-token', 404));
      } finally {
        await context.close();
      }
    });
  }
});

const ROLES = ['resident', 'staff', 'manager', 'hr', 'innovation_lead', 'panel', 'councillor', 'partner', 'admin'];

/**
 * Pages every signed-in person has. The shell differs by role only in the
 * navigation and the names on the page, so the static pages are checked in
 * full for one role of each kind of navigation (resident, admin, sector
 * admin), and every role gets home, account and the pages it is refused.
 */
async function accountPages(t, page, lang, who, full) {
  if (full) {
    await commonPages(t, page, lang, who);
  } else {
    await t.test(`home, ${who}, ${lang}`, () => check(page, lang, 'home', '/'));
  }
  await t.test(`your account, ${who}, ${lang}`, () => check(page, lang, 'account', '/account'));
  await t.test(`change password, ${who}, ${lang}`, () => check(page, lang, 'change password', '/account/password'));
  if (!full) return;
  await t.test(`change password with errors, ${who}, ${lang}`, async () => {
    await open(page, '/account/password');
    await page.locator('input[name="new_password"]').fill('short');
    await page.locator('input[name="confirm_password"]').fill('short');
    assert.equal(await submit(page, '/account/password'), 422);
    await expectErrorSummary(page, { fields: ['current_password', 'new_password'], lang });
    await check(page, lang, 'change password with errors', null);
  });
}

async function adminPages(t, page, lang) {
  await t.test(`admin overview, ${lang}`, () => check(page, lang, 'admin overview', '/admin'));
  await t.test(`admin people, ${lang}`, () => check(page, lang, 'people', '/admin/people'));
  await t.test(`admin person, ${lang}`, async () => {
    await open(page, '/admin/people');
    const href = await page.locator('main table a[href^="/admin/people/"]').first().getAttribute('href');
    await check(page, lang, 'person', href);
  });
  await t.test(`admin person with errors, ${lang}`, async () => {
    await open(page, '/admin/people');
    // Someone other than the admin: the staff member.
    const row = page.locator('main table tr', { hasText: 'staff@northmere.example' });
    await Promise.all([page.waitForURL(/\/admin\/people\/[^/]+$/), row.locator('a').first().click()]);
    const action = new URL(page.url()).pathname + '/roles';
    assert.equal(await submit(page, action), 422);
    await expectErrorSummary(page, { fields: ['role'], lang });
    await check(page, lang, 'person with errors', null);
  });
  await t.test(`admin invitations, ${lang}`, () => check(page, lang, 'invitations', '/admin/invitations'));
  await t.test(`admin invitations with errors, ${lang}`, async () => {
    await open(page, '/admin/invitations');
    assert.equal(await submit(page, '/admin/invitations'), 422);
    await expectErrorSummary(page, { fields: ['email', 'role'], lang });
    await check(page, lang, 'invitations with errors', null);
  });
  await t.test(`admin audit log, ${lang}`, () => check(page, lang, 'audit', '/admin/audit'));
  await t.test(`admin audit log with a filter error, ${lang}`, async () => {
    await open(page, '/admin/audit');
    await page.locator('input[name="from"]').fill('31/02/2026');
    await Promise.all([page.waitForNavigation(), page.locator('main form[action="/admin/audit"] button').click()]);
    await expectErrorSummary(page, { fields: ['from'], lang });
    await check(page, lang, 'audit with errors', null);
  });
  await t.test(`admin outbox, ${lang}`, () => check(page, lang, 'outbox', '/admin/outbox'));
}

async function sectorPages(t, page, lang) {
  await t.test(`sector overview, ${lang}`, () => check(page, lang, 'sector', '/sector'));
  await t.test(`new organisation, ${lang}`, () => check(page, lang, 'new organisation', '/sector/organisations/new'));
  await t.test(`new organisation with errors, ${lang}`, async () => {
    await open(page, '/sector/organisations/new');
    assert.equal(await submit(page, '/sector/organisations'), 422);
    await expectErrorSummary(page, { fields: ['name', 'kind', 'admin_email'], lang });
    await check(page, lang, 'new organisation with errors', null);
  });
  await t.test(`new partnership, ${lang}`, () => check(page, lang, 'new partnership', '/sector/partnerships/new'));
  await t.test(`new partnership with errors, ${lang}`, async () => {
    await open(page, '/sector/partnerships/new');
    assert.equal(await submit(page, '/sector/partnerships'), 422);
    await expectErrorSummary(page, { fields: ['name', 'members'], lang });
    await check(page, lang, 'new partnership with errors', null);
  });
}

describe('signed in', () => {
  const people = [
    ...ROLES.map((role) => ({ role, council: NORTHMERE })),
    { role: 'sector_admin', council: null },
  ];
  for (const { role, council } of people) {
    test(`as ${role}`, async (t) => {
      const who = account(server.accounts, council, role);
      const context = await newContext(browser, server.url);
      const page = await context.newPage();
      try {
        await signIn(page, who.email, who.password);
        for (const lang of LANGS) {
          await open(page, '/');
          // English comes first, as a new visitor sees it; then the switch to Welsh.
          if (lang === 'cy') await switchLanguage(page, 'cy');
          await accountPages(t, page, lang, role, ['resident', 'admin', 'sector_admin'].includes(role));
          if (role === 'admin') {
            await adminPages(t, page, lang);
          } else {
            await t.test(`403 page at /admin, ${role}, ${lang}`, async () => {
              await check(page, lang, '403', '/admin', 403);
              assert.equal(await page.locator('main h1').count(), 1);
              assert.equal(await page.locator('footer.govuk-footer').count(), 1, 'the 403 page is in the shell');
            });
          }
          if (role === 'sector_admin') {
            await sectorPages(t, page, lang);
          } else {
            await t.test(`403 page at /sector, ${role}, ${lang}`, () => check(page, lang, '403', '/sector', 403));
          }
        }
      } finally {
        await context.close();
      }
    });
  }
});
