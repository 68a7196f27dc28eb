// The talent pool and matching: the pool, adding someone to it, a member's
// page, a vacancy's ranked candidates, the pool's proposal and a pool
// member's own opportunities. axe checks each page in English and Welsh, with
// errors shown; the forms work without JavaScript; no page ever says "at risk".
//
// The pool, its staff and its vacancies come from the demo. Pages that need
// a member of staff or a vacancy are skipped when the demo has none.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, submit, switchLanguage,
} from '../lib/browser.js';

const NORTHMERE = 'Northmere Borough Council';

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

/** A fresh browser signed in as a Northmere role. */
async function as(role, fn, options = {}) {
  const context = await newContext(browser, server.url, options);
  const page = await context.newPage();
  try {
    const who = account(server.accounts, NORTHMERE, role);
    await signIn(page, who.email, who.password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

async function check(page, label, lang = 'en') {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${label} is in ${lang}`);
  const text = (await page.locator('body').innerText()).toLowerCase();
  assert.ok(!text.includes('at risk'), `${label} never says "at risk"`);
  await expectAccessible(page, `${label} [${lang}]`);
}

/** Both languages of the page that is open. */
async function checkBoth(page, label) {
  await check(page, label);
  await switchLanguage(page, 'cy');
  await check(page, label, 'cy');
  await switchLanguage(page, 'en');
}

describe('accessibility', () => {
  test('the pool, in English and Welsh, and with a filter refused', () => as('hr', async (page) => {
    assert.equal(await open(page, '/talent'), 200);
    await page.locator('#pool-count').waitFor();
    await checkBoth(page, 'talent pool');
    assert.equal(await open(page, '/talent?tier=nobody'), 400);
    await expectErrorSummary(page, { fields: ['tier'] });
    await check(page, 'talent pool with errors');
  }));

  test('adding someone, with errors, in English and Welsh', () => as('hr', async (page) => {
    assert.equal(await open(page, '/talent/pool/new'), 200);
    await checkBoth(page, 'add to the pool');
    assert.equal(await submit(page, '/talent/pool/new'), 422);
    await expectErrorSummary(page, { fields: ['employee_number', 'tier', 'reason'] });
    await check(page, 'add to the pool with errors');
    // Protected without the date protection ends.
    await page.getByLabel('Employee number').fill('NO-SUCH-NUMBER');
    await page.getByLabel('Protected', { exact: true }).check();
    await page.getByLabel('Why they are joining the pool').fill('The service was restructured.');
    assert.equal(await submit(page, '/talent/pool/new'), 422);
    await expectErrorSummary(page, { fields: ['employee_number', 'protected_until-day'] });
    assert.equal(await page.getByLabel('Why they are joining the pool').inputValue(), 'The service was restructured.', 'answers kept');
    await switchLanguage(page, 'cy');
    await check(page, 'add to the pool with errors', 'cy');
  }));

  test('the proposal for the whole pool', () => as('hr', async (page) => {
    assert.equal(await open(page, '/talent/matching'), 200);
    await checkBoth(page, 'pool proposal');
  }));

  test('a pool member\'s opportunities', () => as('staff', async (page) => {
    assert.equal(await open(page, '/talent/opportunities'), 200);
    await checkBoth(page, 'opportunities');
  }));

  test('a member of the pool and a vacancy\'s candidates', () => as('hr', async (page) => {
    assert.equal(await open(page, '/talent'), 200);
    const members = page.locator('main a[href^="/talent/members/"]');
    const member = (await members.count()) > 0 ? await members.first().getAttribute('href') : null;
    const vacancies = page.locator('main a[href$="/candidates"]');
    const vacancy = (await vacancies.count()) > 0 ? await vacancies.first().getAttribute('href') : null;
    if (member) {
      assert.equal(await open(page, member), 200);
      await checkBoth(page, 'pool member');
    }
    if (vacancy) {
      assert.equal(await open(page, vacancy), 200);
      await checkBoth(page, 'candidates');
    }
  }));
});

test('HR adds someone to the pool and changes their place, without JavaScript', () => as('hr', async (page) => {
  // Find a member of staff by name, as HR would.
  await open(page, '/talent/pool/new?q=a');
  const choose = page.locator('#staff-found a').first();
  if (await choose.count() === 0) {
    return; // The demo has no staff to add.
  }
  await Promise.all([page.waitForNavigation(), choose.click()]);
  assert.notEqual(await page.getByLabel('Employee number').inputValue(), '');
  await page.getByLabel('Voluntary', { exact: true }).check();
  await page.getByLabel('Why they are joining the pool').fill('Asked to move to a role with shorter hours.');
  await page.getByLabel('They agree to be seen by partner councils').check();
  const status = await submit(page, '/talent/pool/new');
  if (status === 422) {
    // Already in the pool: the form says so.
    await expectErrorSummary(page, { fields: ['employee_number'], javascript: false });
    return;
  }
  assert.equal(status, 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'pool_member_added');
  await page.locator('.govuk-notification-banner').waitFor();
  const action = new URL(page.url()).pathname;
  await page.getByLabel('On trial', { exact: true }).check();
  assert.equal(await submit(page, action), 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'pool_member_changed');
  assert.match(await page.locator('main dl').innerText(), /On trial/);
  assert.ok(!(await page.locator('body').innerText()).toLowerCase().includes('at risk'));
}, { javaScriptEnabled: false }));

test('residents and managers are refused the pool', async () => {
  for (const role of ['resident', 'manager']) {
    await as(role, async (page) => {
      assert.equal(await open(page, '/talent'), 403, `${role} is refused the pool`);
      assert.equal(await open(page, '/talent/matching'), 403, `${role} is refused the proposal`);
    });
  }
});
