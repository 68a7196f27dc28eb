// Signing in as each demo account shows that role's navigation, and the links
// in it lead to pages the person may see.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import { launch, navLinks, newContext, open, signIn, signOut, switchLanguage } from '../lib/browser.js';

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

const EXPECTED = {
  en: {
    admin: ['Home', 'Administration', 'Your account'],
    sector_admin: ['Home', 'Sector administration', 'Your account'],
    other: ['Home', 'Your account'],
    signedOut: ['Sign in'],
  },
  cy: {
    admin: ['Hafan', 'Gweinyddu', 'Eich cyfrif'],
    sector_admin: ['Hafan', "Gweinyddu'r sector", 'Eich cyfrif'],
    other: ['Hafan', 'Eich cyfrif'],
    signedOut: ['Mewngofnodi'],
  },
};

const HREFS = {
  admin: ['/', '/admin', '/account'],
  sector_admin: ['/', '/sector', '/account'],
  other: ['/', '/account'],
};

test('the demo has every role in each of the three councils, and a sector admin', () => {
  const councils = ['Northmere Borough Council', 'Aske Vale District Council', 'Eastbrook City Council'];
  const roles = ['resident', 'staff', 'manager', 'hr', 'innovation_lead', 'panel', 'councillor', 'partner', 'admin'];
  for (const council of councils) {
    for (const role of roles) {
      assert.ok(server.accounts.some((a) => a.council === council && a.role === role), `${role} in ${council}`);
    }
  }
  assert.equal(server.accounts.filter((a) => a.role === 'sector_admin').length, 1);
});

test('signed out, the navigation offers only "Sign in"', async () => {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    await open(page, '/');
    assert.deepEqual(await navLinks(page), EXPECTED.en.signedOut);
    assert.equal(await page.locator('header form[action="/sign-out"]').count(), 0);
  } finally {
    await context.close();
  }
});

test('each demo account sees its own navigation', async (t) => {
  for (const who of server.accounts) {
    await t.test(`${who.role} of ${who.council}`, async () => {
      const context = await newContext(browser, server.url);
      const page = await context.newPage();
      try {
        await signIn(page, who.email, who.password);
        const kind = who.role === 'admin' || who.role === 'sector_admin' ? who.role : 'other';
        assert.deepEqual(await navLinks(page), EXPECTED.en[kind], 'navigation in English');
        const hrefs = await page.locator('header .govuk-service-navigation__list a').evaluateAll(
          (as) => as.map((a) => a.getAttribute('href')),
        );
        assert.deepEqual(hrefs, HREFS[kind]);
        // The header names the person's council.
        const organisation = (await page.locator('.govuk-generic-header__homepage-link').innerText()).trim();
        if (who.role === 'sector_admin') {
          assert.ok(!organisation.endsWith('Council'), `a sector admin belongs to no council, header says ${organisation}`);
        } else {
          assert.equal(organisation, who.council);
        }
        // Every link in the navigation opens, and marks itself as the current page.
        for (const href of HREFS[kind]) {
          assert.equal(await open(page, href), 200, `${href} opens`);
          const current = page.locator('header .govuk-service-navigation__list a[aria-current="page"]');
          assert.equal(await current.getAttribute('href'), href, `${href} is marked as the current page`);
        }
        assert.deepEqual(await navLinks(page), EXPECTED.en[kind]);
        await switchLanguage(page, 'cy');
        assert.deepEqual(await navLinks(page), EXPECTED.cy[kind], 'navigation in Welsh');
        assert.equal(
          (await page.locator('header form[action="/sign-out"] button').innerText()).trim(),
          'Allgofnodi',
        );
        await signOut(page);
        assert.deepEqual(await navLinks(page), EXPECTED.cy.signedOut, 'signed out again');
      } finally {
        await context.close();
      }
    });
  }
});
