// Profiles: the strengths framework (HR), the self-assessment, a person's own
// profile and the pages where they keep it up to date, and HR's staff
// records. axe checks every page in English and Welsh, and with its errors
// shown; the self-assessment is answered without JavaScript.
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
  await expectAccessible(page, `${label} [${lang}]`);
  const text = (await page.locator('body').innerText()).toLowerCase();
  assert.ok(!text.includes('at risk'), `${label} never says "at risk"`);
}

async function bothLanguages(page, label) {
  await check(page, label);
  await switchLanguage(page, 'cy');
  await check(page, label, 'cy');
  await switchLanguage(page, 'en');
}

describe('a person\'s own profile', () => {
  test('the profile page shows strengths, qualifications and experience', () => as('staff', async (page) => {
    assert.equal(await open(page, '/talent/profile'), 200);
    assert.equal(await page.locator('#strength-levels tbody tr').count(), 36, 'a completed assessment');
    assert.match(await page.locator('#profile-hours').innerText(), /hours a week/);
    await bothLanguages(page, 'profile');
  }));

  test('the self-assessment, with errors, in English and Welsh', () => as('staff', async (page) => {
    assert.equal(await open(page, '/talent/profile/assessment'), 200);
    await bothLanguages(page, 'assessment');
    assert.equal(await submit(page, '/talent/profile/assessment'), 422);
    const first = await page.locator('main input[type="radio"]').first().getAttribute('name');
    const fields = await page.locator('main .govuk-radios').evaluateAll(
      (groups) => groups.map((g) => g.querySelector('input').id),
    );
    assert.equal(fields.length, 12);
    assert.equal(fields[0], first);
    await expectErrorSummary(page, { fields });
    await check(page, 'assessment with errors');
  }));

  test('qualifications, experience and preferences, with errors', () => as('staff', async (page) => {
    assert.equal(await open(page, '/talent/profile/qualifications'), 200);
    await bothLanguages(page, 'qualifications');
    await page.locator('[id="expires-day"]').fill('31');
    await page.locator('[id="expires-month"]').fill('2');
    await page.locator('[id="expires-year"]').fill('2027');
    assert.equal(await submit(page, '/talent/profile/qualifications'), 422);
    await expectErrorSummary(page, { fields: ['code', 'expires-day'] });
    await check(page, 'qualifications with errors');

    assert.equal(await open(page, '/talent/profile/experience'), 200);
    await bothLanguages(page, 'experience');
    assert.equal(await submit(page, '/talent/profile/experience'), 422);
    await expectErrorSummary(page, { fields: ['role_title', 'service_area', 'months'] });
    await check(page, 'experience with errors');

    assert.equal(await open(page, '/talent/profile/preferences'), 200);
    await bothLanguages(page, 'preferences');
    await page.locator('[id="max_travel_km"]').fill('far');
    assert.equal(await submit(page, '/talent/profile/preferences'), 422);
    await expectErrorSummary(page, { fields: ['max_travel_km'] });
    await check(page, 'preferences with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'preferences with errors', 'cy');
  }));

  test('a qualification is added and shown, expired ones marked', () => as('staff', async (page) => {
    await open(page, '/talent/profile/qualifications');
    await page.locator('select[name="code"]').selectOption('nmc_registration');
    await page.locator('[id="expires-day"]').fill('1');
    await page.locator('[id="expires-month"]').fill('1');
    await page.locator('[id="expires-year"]').fill('2020');
    assert.equal(await submit(page, '/talent/profile/qualifications'), 200);
    const row = page.locator('#qualification-list .govuk-summary-list__row', { hasText: 'Nursing and Midwifery' });
    assert.match(await row.innerText(), /Expired/);
    await check(page, 'qualification added');
  }));
});

test('the self-assessment works without JavaScript', () => as('manager', async (page) => {
  assert.equal(await open(page, '/talent/profile/assessment'), 200);
  const names = await page.locator('main input[type="radio"]').evaluateAll(
    (inputs) => [...new Set(inputs.map((i) => i.name))],
  );
  assert.equal(names.length, 12);
  for (const name of names) {
    await page.locator(`input[name="${name}"][value="3"]`).check();
  }
  assert.equal(await submit(page, '/talent/profile/assessment'), 200);
  assert.equal(new URL(page.url()).searchParams.get('page'), '2', 'on to the next page');
  assert.match(await page.locator('.govuk-caption-l').innerText(), /Page 2 of 6/);
  // axe needs JavaScript in the page, so it checks this page in the tests above.
  // Errors without JavaScript: the summary still lists every question.
  assert.equal(await submit(page, '/talent/profile/assessment'), 422);
  const fields = await page.locator('main .govuk-radios').evaluateAll(
    (groups) => groups.map((g) => g.querySelector('input').id),
  );
  await expectErrorSummary(page, { fields, javascript: false });
}, { javaScriptEnabled: false }));

describe('HR', () => {
  test('the framework and a strength, with errors, in English and Welsh', () => as('hr', async (page) => {
    assert.equal(await open(page, '/talent/strengths'), 200);
    assert.equal(await page.locator('#strengths tbody tr').count(), 36);
    await bothLanguages(page, 'framework');
    assert.equal(await submit(page, '/talent/strengths'), 422);
    await expectErrorSummary(page, { fields: ['name', 'description'] });
    await check(page, 'framework with errors');

    const href = await page.locator('#strengths tbody a').first().getAttribute('href');
    assert.equal(await open(page, href), 200);
    await bothLanguages(page, 'strength');
    await page.locator('[id="name"]').fill('');
    assert.equal(await submit(page, href), 422);
    await expectErrorSummary(page, { fields: ['name'] });
    await check(page, 'strength with errors');
  }));

  test('staff records: search, a profile, grade and hours with errors', () => as('hr', async (page) => {
    assert.equal(await open(page, '/talent/people'), 200);
    assert.equal(await page.locator('#people tbody tr').count(), 25);
    await bothLanguages(page, 'staff records');
    await page.locator('[id="q"]').fill('NM100001');
    await Promise.all([page.waitForNavigation(), page.locator('main form[action="/talent/people"] button').click()]);
    assert.equal(await page.locator('#people tbody tr').count(), 1);
    await Promise.all([page.waitForNavigation(), page.locator('#people tbody a').first().click()]);
    const path = new URL(page.url()).pathname;
    assert.match(path, /^\/talent\/people\/[0-9a-f-]{36}$/);
    assert.equal(await page.locator('#strength-levels tbody tr').count(), 36, 'HR sees strengths');
    await bothLanguages(page, 'staff record');
    await page.locator('[id="grade"]').fill('99');
    await page.locator('[id="hours"]').fill('');
    assert.equal(await submit(page, `${path}/contract`), 422);
    await expectErrorSummary(page, { fields: ['grade', 'hours'] });
    await check(page, 'staff record with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'staff record with errors', 'cy');
  }));
});

test('a manager cannot see HR\'s pages or anyone\'s strengths but their own', () => as('manager', async (page) => {
  assert.equal(await open(page, '/talent/people'), 403);
  assert.equal(await open(page, '/talent/strengths'), 403);
  assert.equal(await open(page, '/talent/profile'), 200);
  const staff = account(server.accounts, NORTHMERE, 'staff');
  assert.ok(!(await page.locator('body').innerText()).includes(staff.email));
}));
