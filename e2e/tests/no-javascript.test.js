// Beacon works without JavaScript: server-rendered forms and links only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectErrorSummary, launch, navLinks, newContext, open, signIn, signOut, submit,
  switchLanguage,
} from '../lib/browser.js';

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

test('without JavaScript a person signs in, switches language, and signs out', async (t) => {
  const context = await newContext(browser, server.url, { javaScriptEnabled: false });
  const page = await context.newPage();
  const admin = account(server.accounts, 'Eastbrook City Council', 'admin');
  try {
    await t.test('JavaScript really is off', async () => {
      await open(page, '/');
      // govuk-frontend marks <body> when its JavaScript runs.
      const cls = await page.locator('body').getAttribute('class');
      assert.ok(!/govuk-frontend-supported|js-enabled/.test(cls), `body class is "${cls}"`);
    });

    await t.test('a refused sign-in shows the error summary', async () => {
      await open(page, '/sign-in');
      assert.equal(await submit(page, '/sign-in'), 422);
      await expectErrorSummary(page, { fields: ['email', 'password'], javascript: false });
    });

    await t.test('signs in and comes back to the page asked for', async () => {
      await signIn(page, admin.email, admin.password, '/admin/people');
      assert.equal(new URL(page.url()).pathname, '/admin/people');
      assert.deepEqual(await navLinks(page), ['Home', 'Challenges', 'Ideas', 'Sessions', 'Practice exchange', 'Jobs', 'Your profile', 'Administration', 'Your account']);
      assert.equal((await page.locator('.govuk-generic-header__homepage-link').innerText()).trim(), 'Eastbrook City Council');
    });

    await t.test('switches to Welsh and back to English, staying on the same page', async () => {
      await switchLanguage(page, 'cy');
      assert.equal(new URL(page.url()).pathname, '/admin/people');
      assert.deepEqual(await navLinks(page), ['Hafan', 'Heriau', 'Syniadau', 'Sesiynau', 'Cyfnewid arfer', 'Swyddi', 'Eich proffil', 'Gweinyddu', 'Eich cyfrif']);
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Pobl');
      // The choice is remembered on the next page.
      await open(page, '/account');
      assert.equal(await page.locator('html').getAttribute('lang'), 'cy');
      await switchLanguage(page, 'en');
      assert.equal(new URL(page.url()).pathname, '/account');
      assert.deepEqual(await navLinks(page), ['Home', 'Challenges', 'Ideas', 'Sessions', 'Practice exchange', 'Jobs', 'Your profile', 'Administration', 'Your account']);
    });

    await t.test('changes an admin form without JavaScript', async () => {
      await open(page, '/admin/invitations');
      assert.equal(await submit(page, '/admin/invitations'), 422);
      await expectErrorSummary(page, { fields: ['email', 'role'], javascript: false });
    });

    await t.test('signs out with the header button, and the session is over', async () => {
      await signOut(page);
      assert.deepEqual(await navLinks(page), ['Sign in']);
      await open(page, '/admin/people');
      assert.equal(new URL(page.url()).pathname, '/sign-in', 'admin pages ask to sign in again');
    });
  } finally {
    await context.close();
  }
});
