// HR's workforce pages: importing staff from a CSV file (a real file chosen
// with the file input), the talent settings, and the workforce analytics.
// axe checks each page in English and Welsh, with errors shown; the import
// also works without JavaScript.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, submit, switchLanguage,
} from '../lib/browser.js';

const NORTHMERE = 'Northmere Borough Council';
const HEADER = 'employee_number,name,email,job_title,grade,weekly_hours,service_area,site,sex,ethnicity,disability,age_band';

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

/** A fresh browser signed in as Northmere's HR. */
async function asHr(fn, options = {}) {
  const context = await newContext(browser, server.url, options);
  const page = await context.newPage();
  try {
    const hr = account(server.accounts, NORTHMERE, 'hr');
    await signIn(page, hr.email, hr.password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

function csv(lines) {
  return { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(`${HEADER}\r\n${lines.join('\r\n')}\r\n`) };
}

async function check(page, label, lang = 'en') {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${label} is in ${lang}`);
  await expectAccessible(page, `${label} [${lang}]`);
  const text = (await page.locator('body').innerText()).toLowerCase();
  assert.ok(!text.includes('at risk'), `${label} never says "at risk"`);
}

describe('import', () => {
  test('the import page, in English and Welsh', () => asHr(async (page) => {
    assert.equal(await open(page, '/talent/import'), 200);
    await check(page, 'import');
    await switchLanguage(page, 'cy');
    await check(page, 'import', 'cy');
  }));

  test('nothing chosen: the kind and the file are asked for', () => asHr(async (page) => {
    await open(page, '/talent/import');
    assert.equal(await submit(page, '/talent/import'), 422);
    await expectErrorSummary(page, { fields: ['kind', 'file'] });
    await check(page, 'import with errors');
    await switchLanguage(page, 'cy');
    assert.equal(await submit(page, '/talent/import'), 422);
    await expectErrorSummary(page, { fields: ['kind', 'file'], lang: 'cy' });
    await check(page, 'import with errors', 'cy');
  }));

  test('a broken line: nothing imported, the line named', () => asHr(async (page) => {
    await open(page, '/talent/import');
    await page.locator('#kind').check();
    await page.setInputFiles('#file', csv([
      'E2E001,Ana Prawf,,Officer,5,37,libraries,Central,female,white,no,35-44',
      'E2E002,Bryn Prawf,,Officer,many,37,libraries,Central,,,,',
    ]));
    assert.equal(await submit(page, '/talent/import'), 422);
    await expectErrorSummary(page, { fields: ['file'] });
    const rows = await page.locator('#problems ~ table tbody tr').allInnerTexts();
    assert.equal(rows.length, 1);
    assert.match(rows[0], /^3\s+grade\s+This must be a whole number/);
    await check(page, 'import problems');
    // Nothing was written: the good line imports as new on its own.
    await open(page, '/talent/import');
    await page.locator('#kind').check();
    await page.setInputFiles('#file', csv(['E2E001,Ana Prawf,,Officer,5,37,libraries,Central,female,white,no,35-44']));
    assert.equal(await submit(page, '/talent/import'), 200);
    assert.match(await page.locator('.govuk-panel__body').innerText(), /1 created, 0 updated/);
    await check(page, 'import done');
  }));

  test('without JavaScript the upload works', () => asHr(async (page) => {
    await open(page, '/talent/import');
    await page.locator('#kind').check();
    await page.setInputFiles('#file', csv(['E2E101,Ceri Prawf,,Officer,4,22.5,,,male,,,']));
    assert.equal(await submit(page, '/talent/import'), 200);
    assert.match(await page.locator('.govuk-panel__body').innerText(), /1 created/);
    await open(page, '/talent/import');
    assert.equal(await submit(page, '/talent/import'), 422);
    await expectErrorSummary(page, { fields: ['kind', 'file'], javascript: false });
  }, { javaScriptEnabled: false }));
});

describe('settings', () => {
  test('the settings page, in English and Welsh, with errors', () => asHr(async (page) => {
    assert.equal(await open(page, '/talent/settings'), 200);
    await check(page, 'settings');
    await page.locator('#trial_days').fill('60');
    await page.locator('#recruitment_cost').fill('lots');
    assert.equal(await submit(page, '/talent/settings'), 422);
    await expectErrorSummary(page, { fields: ['trial_days', 'recruitment_cost'] });
    await check(page, 'settings with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'settings', 'cy');
    await page.locator('#freeze_days').fill('');
    assert.equal(await submit(page, '/talent/settings'), 422);
    await expectErrorSummary(page, { fields: ['freeze_days'], lang: 'cy' });
    await check(page, 'settings with errors', 'cy');
  }));

  test('saving settings', () => asHr(async (page) => {
    await open(page, '/talent/settings');
    await page.locator('#freeze_days').fill('35');
    assert.equal(await submit(page, '/talent/settings'), 200);
    assert.equal(await page.locator('#freeze_days').inputValue(), '35');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /saved/);
    await check(page, 'settings saved');
  }));
});

describe('analytics', () => {
  test('the analytics page, in English and Welsh', () => asHr(async (page) => {
    assert.equal(await open(page, '/talent/analytics'), 200);
    await page.locator('main svg[role="img"] title').first().waitFor({ state: 'attached' });
    assert.ok(await page.locator('#months tbody tr').count() >= 18, 'eighteen months of history');
    assert.equal(await page.locator('table[id^="equality-"]').count(), 4);
    await check(page, 'analytics');
    await switchLanguage(page, 'cy');
    await check(page, 'analytics', 'cy');
  }));

  test('the download is a CSV file', () => asHr(async (page) => {
    const response = await page.request.get('/talent/analytics.csv');
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /text\/csv/);
    assert.match(await response.text(), /In the pool now/);
  }));
});
