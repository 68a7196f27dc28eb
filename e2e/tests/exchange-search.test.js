// The practice exchange's search: a search, facet filters, paging and similar
// cases, with and without JavaScript; axe checks each page in English and
// Welsh, and with the error summary of a filter no page sends.
//
// The demo server runs on its own SQLite file; generated case studies are
// written to it by `beacon search seed-benchmark` while it runs, and the
// server's index picks them up from the change log, as a second server would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beaconBinary } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, switchLanguage,
} from '../lib/browser.js';

const CASES = 120;

let server;
let browser;

/** `beacon demo --scale small` on a data directory this file knows. */
async function startDemoIn(dataDir) {
  const accountsFile = path.join(dataDir, 'accounts.json');
  const child = spawn(
    beaconBinary(),
    ['demo', '--bind', '127.0.0.1:0', '--data-dir', dataDir, '--accounts-json', accountsFile, '--scale', 'small'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const m = output.match(/Beacon demo is running at (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.stderr.on('data', (chunk) => { output += chunk.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${output}`)); });
  });
  const accounts = JSON.parse(await readFile(accountsFile, 'utf8'));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    accounts,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** The number at the start of the result count. */
async function count(page) {
  const text = await page.locator('#count').innerText();
  return Number.parseInt(text.replace(/[^0-9]/g, ''), 10) || 0;
}

async function results(page) {
  return page.locator('#result-list .beacon-result h3 a').allInnerTexts();
}

let dataDir;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'beacon-e2e-search-'));
  server = await startDemoIn(dataDir);
  await promisify(execFile)(beaconBinary(), [
    'search', 'seed-benchmark', '--cases', String(CASES), '--seed', '7',
    '--database', `sqlite://${path.join(dataDir, 'demo.db')}?mode=rwc`,
  ]);
  browser = await launch();
  // The running server finds them within seconds, from the change log.
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  const deadline = Date.now() + 20_000;
  let seen = 0;
  while (Date.now() < deadline) {
    await open(page, '/exchange');
    seen = await count(page);
    if (seen >= CASES * 0.8) break;
    await page.waitForTimeout(500);
  }
  await context.close();
  assert.ok(seen >= CASES * 0.8, `the server's index followed the change log (${seen} cases)`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function withPage(fn, options = {}, who = null) {
  const context = await newContext(browser, server.url, options);
  const page = await context.newPage();
  try {
    if (who) {
      const a = account(server.accounts, who.council, who.role);
      await signIn(page, a.email, a.password);
    }
    return await fn(page);
  } finally {
    await context.close();
  }
}

describe('searching', () => {
  test('words, then a facet, then the next page', () => withPage(async (page) => {
    assert.equal(await open(page, '/exchange'), 200);
    await page.getByLabel('Search case studies').fill('shared service');
    await Promise.all([page.waitForNavigation(), page.locator('#search-button').click()]);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'shared service');
    const all = await count(page);
    assert.ok(all > 0, 'generated cases mention shared services');
    const first = await results(page);
    assert.ok(first.length > 0 && first.length <= 20);
    // Tick the first service area and apply.
    const box = page.locator('#filter-area input[type=checkbox]').first();
    const value = await box.getAttribute('value');
    await box.check();
    await Promise.all([page.waitForNavigation(), page.locator('#apply-filters').click()]);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('area'), value);
    assert.equal(url.searchParams.get('q'), 'shared service');
    const narrowed = await count(page);
    assert.ok(narrowed > 0 && narrowed <= all, `${narrowed} of ${all}`);
    assert.ok(await page.locator(`#filter-area input[value="${value}"]`).isChecked(), 'the facet stays ticked');
    await expectAccessible(page, 'search with a facet');
    // Clear, browse everything and page on.
    await Promise.all([page.waitForNavigation(), page.locator('#clear-filters').click()]);
    assert.equal(await count(page), all);
    assert.equal(await open(page, '/exchange'), 200);
    assert.ok(await count(page) >= CASES * 0.8);
    const page1 = await results(page);
    await Promise.all([page.waitForNavigation(), page.locator('.govuk-pagination__next a').click()]);
    assert.equal(new URL(page.url()).searchParams.get('page'), '2');
    const page2 = await results(page);
    assert.equal(page2.length, 20);
    assert.notDeepEqual(page2, page1);
  }));

  test('similar cases from a result', () => withPage(async (page) => {
    assert.equal(await open(page, '/exchange?q=recruitment'), 200);
    const href = await page.locator('#result-list .beacon-result h3 a').first().getAttribute('href');
    assert.match(href, /^\/exchange\/cases\/[0-9a-f-]{36}$/);
    assert.equal(await open(page, `${href}/similar`), 200);
    assert.ok((await results(page)).length > 0, 'similar cases are offered');
    await expectAccessible(page, 'similar cases');
  }));

  test('an anonymised case shows no council', () => withPage(async (page) => {
    // The generated failures include anonymised ones.
    assert.equal(await open(page, '/exchange?outcome=stopped'), 200);
    const councils = await page.locator('.beacon-result__council').allInnerTexts();
    assert.ok(councils.length > 0);
    for (const c of councils) {
      assert.ok(['An anonymised council', 'Northmere Borough Council', 'Aske Vale District Council', 'Eastbrook City Council']
        .includes(c.trim()), c);
    }
  }));
});

describe('accessibility', () => {
  test('the search page and similar cases, in English and Welsh', () => withPage(async (page) => {
    assert.equal(await open(page, '/exchange?q=council+tax'), 200);
    await expectAccessible(page, 'search [en]');
    await switchLanguage(page, 'cy');
    assert.equal(await page.locator('h1').innerText(), 'Cyfnewid arfer');
    await expectAccessible(page, 'search [cy]');
    const href = await page.locator('#result-list .beacon-result h3 a').first().getAttribute('href');
    assert.equal(await open(page, `${href}/similar`), 200);
    await expectAccessible(page, 'similar [cy]');
    await switchLanguage(page, 'en');
    await expectAccessible(page, 'similar [en]');
  }));

  test('a filter no page sends gets an error summary, in English and Welsh', () => withPage(async (page) => {
    assert.equal(await open(page, '/exchange?area=nowhere'), 400);
    await expectErrorSummary(page, { fields: ['q'] });
    await expectAccessible(page, 'search error [en]');
    assert.equal(await open(page, '/exchange?area=nowhere&lang=cy'), 400);
    await expectErrorSummary(page, { fields: ['q'], lang: 'cy' });
    await expectAccessible(page, 'search error [cy]');
  }));

  test('signed in, a council reads its own cases too', () => withPage(async (page) => {
    assert.equal(await open(page, '/exchange'), 200);
    await expectAccessible(page, 'search signed in');
    const own = await page.locator('.beacon-result__council', { hasText: 'your council' }).count();
    assert.ok(own > 0, 'its own cases are marked as its own');
  }, {}, { council: 'Northmere Borough Council', role: 'staff' }));
});

describe('without JavaScript', () => {
  test('search, filter and page work as plain forms and links', () => withPage(async (page) => {
    assert.equal(await open(page, '/exchange'), 200);
    await page.getByLabel('Search case studies').fill('volunteers');
    await Promise.all([page.waitForNavigation(), page.locator('#search-button').click()]);
    const all = await count(page);
    assert.ok(all > 0);
    const boxes = page.locator('#filter-year input[type=checkbox]');
    await boxes.nth(0).check();
    if (await boxes.count() > 1) await boxes.nth(1).check();
    await Promise.all([page.waitForNavigation(), page.locator('#apply-filters').click()]);
    const years = new URL(page.url()).searchParams.getAll('year');
    assert.ok(years.length >= 1);
    const narrowed = await count(page);
    assert.ok(narrowed > 0 && narrowed <= all);
    assert.equal(await open(page, '/exchange?sort=newest'), 400);
    assert.equal(await page.locator('.govuk-error-summary').count(), 1);
    await expectErrorSummary(page, { fields: ['q'], javascript: false });
  }, { javaScriptEnabled: false }));
});
