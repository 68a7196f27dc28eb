// Other Beacons: the sector administrator's sources page, checked with axe in
// English and Welsh, with errors shown, and used without JavaScript: the demo
// subscribes to itself by its own address, fetches, and removes the source.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, submit, switchLanguage,
} from '../lib/browser.js';

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

async function asSectorAdmin(fn, options = {}) {
  const context = await newContext(browser, server.url, options);
  const page = await context.newPage();
  try {
    const who = account(server.accounts, null, 'sector_admin');
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

/**
 * axe runs inside the page; a page kept without JavaScript is checked as a
 * copy of its HTML in a second page that has it on.
 */
async function checkCopy(page, label, lang = 'en') {
  const html = await page.content();
  const context = await newContext(browser, server.url);
  try {
    const copy = await context.newPage();
    await copy.goto('/accessibility');
    await copy.setContent(html);
    await check(copy, label, lang);
  } finally {
    await context.close();
  }
}

describe('the sources page', () => {
  test('is accessible in English and Welsh, with and without errors', () => asSectorAdmin(async (page) => {
    assert.equal(await open(page, '/sector/exchange/sources'), 200);
    await check(page, 'sources');
    assert.equal(await submit(page, '/sector/exchange/sources'), 422);
    await expectErrorSummary(page, { fields: ['base_url'] });
    await check(page, 'sources with errors');
    await open(page, '/sector/exchange/sources');
    await switchLanguage(page, 'cy');
    await check(page, 'sources', 'cy');
    await page.locator('#base_url').fill('ftp://beacon.example');
    assert.equal(await submit(page, '/sector/exchange/sources'), 422);
    await expectErrorSummary(page, { fields: ['base_url'], lang: 'cy' });
    await check(page, 'sources with errors', 'cy');
  }));

  test('subscribes, fetches and removes without JavaScript', () => asSectorAdmin(async (page) => {
    assert.equal(await open(page, '/sector/exchange/sources'), 200);
    await page.locator('#base_url').fill(server.url);
    assert.equal(await submit(page, '/sector/exchange/sources'), 200);
    assert.match(new URL(page.url()).search, /notice=exchange_source_added/);
    const row = page.locator('main table tbody tr');
    assert.equal(await row.count(), 1, 'one source');
    const host = new URL(server.url).host;
    assert.match(await row.innerText(), new RegExp(`Beacon ${host.replace(/\./g, '\\.')}`));
    await checkCopy(page, 'sources with one source');
    const id = await row.getAttribute('data-source');
    assert.equal(await submit(page, `/sector/exchange/sources/${id}/fetch`), 200);
    assert.match(new URL(page.url()).search, /notice=exchange_source_fetched/);
    assert.match(await page.locator('main table tbody tr .govuk-tag').innerText(), /Fetched/);
    await switchLanguage(page, 'cy');
    await checkCopy(page, 'sources with one source', 'cy');
    await switchLanguage(page, 'en');
    assert.equal(await submit(page, `/sector/exchange/sources/${id}/remove`), 200);
    assert.match(new URL(page.url()).search, /notice=exchange_source_removed/);
    assert.equal(await page.locator('main table tbody tr').count(), 0);
  }, { javaScriptEnabled: false }));

  test('the public feed answers JSON and problems as problem+json', async () => {
    const ok = await fetch(`${server.url}/api/exchange/cases`);
    assert.equal(ok.status, 200);
    const body = await ok.json();
    assert.equal(body.schema, 'beacon-exchange/1');
    const bad = await fetch(`${server.url}/api/exchange/cases?limit=0`);
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type'), /problem\+json/);
  });
});
