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

// Every member of a council has the pipeline's pages and the practice exchange; employees the jobs
// market; the portfolio is for the roles that steer it, administration for admins.
const LABELS = {
  en: {
    '/': 'Home',
    '/challenges': 'Challenges',
    '/ideas': 'Ideas',
    '/sessions': 'Sessions',
    '/exchange': 'Practice exchange',
    '/vacancies': 'Jobs',
    '/talent/profile': 'Your profile',
    '/talent': 'Talent pool',
    '/panel': 'Panel',
    '/portfolio': 'Portfolio',
    '/admin': 'Administration',
    '/sector': 'Sector administration',
    '/account': 'Your account',
  },
  cy: {
    '/': 'Hafan',
    '/challenges': 'Heriau',
    '/ideas': 'Syniadau',
    '/sessions': 'Sesiynau',
    '/exchange': 'Cyfnewid arfer',
    '/vacancies': 'Swyddi',
    '/talent/profile': 'Eich proffil',
    '/talent': 'Cronfa dalent',
    '/panel': 'Panel',
    '/portfolio': 'Portffolio',
    '/admin': 'Gweinyddu',
    '/sector': "Gweinyddu'r sector",
    '/account': 'Eich cyfrif',
  },
};

const SIGNED_OUT = { en: ['Sign in'], cy: ['Mewngofnodi'] };

function hrefsFor(role) {
  if (role === 'sector_admin') return ['/', '/exchange', '/sector', '/account'];
  const hrefs = ['/', '/challenges', '/ideas', '/sessions', '/exchange'];
  // Employees have the jobs market and their profile; HR runs the pool.
  if (!['resident', 'councillor', 'partner'].includes(role)) hrefs.push('/vacancies', '/talent/profile');
  if (role === 'hr') hrefs.push('/talent');
  if (role === 'panel') hrefs.push('/panel');
  if (['innovation_lead', 'panel', 'councillor'].includes(role)) hrefs.push('/portfolio');
  if (role === 'admin') hrefs.push('/admin');
  hrefs.push('/account');
  return hrefs;
}

const labelsFor = (role, lang) => hrefsFor(role).map((href) => LABELS[lang][href]);

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
    assert.deepEqual(await navLinks(page), SIGNED_OUT.en);
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
        assert.deepEqual(await navLinks(page), labelsFor(who.role, 'en'), 'navigation in English');
        const hrefs = await page.locator('header .govuk-service-navigation__list a').evaluateAll(
          (as) => as.map((a) => a.getAttribute('href')),
        );
        assert.deepEqual(hrefs, hrefsFor(who.role));
        // The header names the person's council.
        const organisation = (await page.locator('.govuk-generic-header__homepage-link').innerText()).trim();
        if (who.role === 'sector_admin') {
          assert.ok(!organisation.endsWith('Council'), `a sector admin belongs to no council, header says ${organisation}`);
        } else {
          assert.equal(organisation, who.council);
        }
        // Every link in the navigation opens, and marks itself as the current page.
        for (const href of hrefsFor(who.role)) {
          assert.equal(await open(page, href), 200, `${href} opens`);
          const current = page.locator('header .govuk-service-navigation__list a[aria-current="page"]');
          assert.equal(await current.getAttribute('href'), href, `${href} is marked as the current page`);
        }
        assert.deepEqual(await navLinks(page), labelsFor(who.role, 'en'));
        await switchLanguage(page, 'cy');
        assert.deepEqual(await navLinks(page), labelsFor(who.role, 'cy'), 'navigation in Welsh');
        assert.equal(
          (await page.locator('header form[action="/sign-out"] button').innerText()).trim(),
          'Allgofnodi',
        );
        await signOut(page);
        assert.deepEqual(await navLinks(page), SIGNED_OUT.cy, 'signed out again');
      } finally {
        await context.close();
      }
    });
  }
});
