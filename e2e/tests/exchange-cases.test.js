// Case studies of the practice exchange. axe checks every page (in English
// and Welsh, and with errors shown); an innovation lead writes a case and
// publishes it to partners, and a partner council reads it, without
// JavaScript; an anonymised case never shows its council.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, submit, switchLanguage,
} from '../lib/browser.js';

const NORTHMERE = 'Northmere Borough Council';
const ASKE_VALE = 'Aske Vale District Council';
const EASTBROOK = 'Eastbrook City Council';

let server;
let browser;

before(async () => {
  server = await startDemo({ scale: 'small' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser signed in as a council's role (or the sector admin). */
async function as(council, role, fn, options = {}) {
  const context = await newContext(browser, server.url, options);
  const page = await context.newPage();
  try {
    const who = account(server.accounts, council, role);
    await signIn(page, who.email, who.password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

async function check(page, label, lang = 'en') {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${label} is in ${lang}`);
  await expectAccessible(page, `${label} [${lang}]`);
}

async function bothLanguages(page, label) {
  await check(page, label);
  await switchLanguage(page, 'cy');
  await check(page, label, 'cy');
  await switchLanguage(page, 'en');
}

/** The case links of the council's list. */
async function myCases(page) {
  assert.equal(await open(page, '/exchange/mine'), 200);
  return page.locator('main table a[href^="/exchange/cases/"]')
    .evaluateAll((links) => links.map((a) => [a.getAttribute('href'), a.textContent.trim()]));
}

let written = 0;
/** A case written through the form; returns its path. */
async function writeCase(page, title) {
  written += 1;
  assert.equal(await open(page, '/exchange/cases/new'), 200);
  await page.getByLabel('Title', { exact: true }).fill(`${title} ${written}`);
  await page.getByLabel('Summary', { exact: true }).fill('Residents booked bulky waste collections online.');
  await page.getByLabel('What was innovative').fill('Crews chose the slots.');
  await page.getByLabel('The problem and its context').fill('Phone bookings took a week.');
  await page.getByLabel('Results and impact').fill('Waits fell to two days.');
  await page.getByLabel('Lessons learned').fill('Ask the crews first.');
  await page.getByLabel('Service area').selectOption('waste_and_recycling');
  await page.getByLabel('Kind of innovation').selectOption('adaptive');
  await page.getByLabel('How far the work went').selectOption('implementing');
  await page.getByLabel('Outcome').selectOption('adopted');
  await page.getByLabel('Strength of evidence').selectOption('2');
  await page.locator('#year').fill('2025');
  await page.getByLabel('What it cost').fill('4,000');
  await page.getByLabel('Tags').fill('bulky waste, booking');
  assert.equal(await submit(page, '/exchange/cases/new'), 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'case_created');
  return new URL(page.url()).pathname;
}

describe('accessibility', () => {
  test('the council\'s cases, a case and its pages, with errors', () => as(NORTHMERE, 'innovation_lead', async (page) => {
    const cases = await myCases(page);
    assert.ok(cases.length >= 6, 'the demo gives each council its cases');
    await bothLanguages(page, 'our cases');
    assert.equal(await open(page, cases[0][0]), 200);
    await bothLanguages(page, 'a case for its lead');
    assert.equal(await open(page, '/exchange/cases/new'), 200);
    await bothLanguages(page, 'new case');
    assert.equal(await submit(page, '/exchange/cases/new'), 422);
    await expectErrorSummary(page, {
      fields: ['title', 'summary', 'service_area', 'facet', 'stage', 'outcome', 'evidence'],
    });
    await check(page, 'new case with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'new case with errors', 'cy');
    await switchLanguage(page, 'en');
    const path = await writeCase(page, 'Bulky waste booking');
    for (const sub of ['edit', 'publish', 'anonymised', 'attachments']) {
      assert.equal(await open(page, `${path}/${sub}`), 200, sub);
      await bothLanguages(page, sub);
    }
    assert.equal(await submit(page, `${path}/attachments`), 422);
    await expectErrorSummary(page, { fields: ['file'] });
    await check(page, 'attachments with errors');
    assert.equal(await open(page, `${path}/anonymised`), 200);
    assert.equal(await submit(page, `${path}/anonymised`), 422);
    await expectErrorSummary(page, { fields: ['title', 'summary', 'results', 'lessons'] });
    await check(page, 'anonymised with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'anonymised with errors', 'cy');
    await switchLanguage(page, 'en');
    assert.equal(await open(page, `${path}/publish`), 200);
    await page.getByLabel('With our name').check();
    await page.getByLabel('Our council only').check();
    await page.getByLabel('Anonymised', { exact: true }).check();
    assert.equal(await submit(page, `${path}/publish`), 422);
    await check(page, 'publish with errors');
  }));

  test('moderation, for the sector administrator', () => as('(sector)', 'sector_admin', async (page) => {
    assert.equal(await open(page, '/sector/moderation'), 200);
    await bothLanguages(page, 'moderation');
    const first = await page.locator('main table a[href^="/sector/moderation/"]').first().getAttribute('href');
    assert.equal(await open(page, first), 200);
    await bothLanguages(page, 'moderated text');
  }));
});

test('without JavaScript, a lead publishes to partners and only a partner reads it', async () => {
  const options = { javaScriptEnabled: false };
  const title = `Bulky waste booking for partners ${Date.now()}`;
  const path = await as(NORTHMERE, 'innovation_lead', async (page) => {
    const p = await writeCase(page, title);
    assert.equal(await open(page, `${p}/publish`), 200);
    await page.getByLabel('Our partner councils').check();
    await page.getByLabel('With our name').check();
    assert.equal(await submit(page, `${p}/publish`), 200);
    assert.equal(new URL(page.url()).searchParams.get('notice'), 'case_published');
    return p;
  }, options);
  // Others read it at its publication's address, which its lead sees.
  const shared = await as(NORTHMERE, 'innovation_lead', async (page) => {
    assert.equal(await open(page, path), 200);
    return page.locator('main [data-publication]').getAttribute('data-publication');
  }, options);
  assert.match(shared, /^\/exchange\/cases\/[0-9a-f-]{36}$/);
  await as(EASTBROOK, 'staff', async (page) => {
    assert.equal(await open(page, shared), 404, 'not a partner');
  }, options);
  await as(ASKE_VALE, 'staff', async (page) => {
    assert.equal(await open(page, shared), 200);
    assert.ok((await page.locator('h1').innerText()).startsWith('Bulky waste booking'));
    assert.ok((await page.locator('main').innerText()).includes(NORTHMERE));
  }, options);
  // axe runs in the page, so the partner's view is checked with JavaScript on.
  await as(ASKE_VALE, 'staff', async (page) => {
    assert.equal(await open(page, shared), 200);
    await check(page, 'a partner\'s case');
    await switchLanguage(page, 'cy');
    await check(page, 'a partner\'s case', 'cy');
  });
});
