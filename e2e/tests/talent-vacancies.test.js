// Posts and vacancies, vacancy reviews and the recruitment freeze. axe checks
// every page (in English and Welsh, and with errors shown); a manager adds a
// post and reviews it, and HR approves the review, without JavaScript.
//
// The demo seeds vacancies in every state: reviews waiting for HR, vacancies
// held for the pool, open ones, exceptions, deletions and shared vacancies.
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

/** The vacancy links of a list page. */
async function vacancyLinks(page, path) {
  assert.equal(await open(page, path), 200, path);
  const hrefs = await page.locator('main table a[href^="/vacancies/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  return hrefs.filter((h) => /^\/vacancies\/[0-9a-f-]{36}$/.test(h));
}

let added = 0;
/** A post added through the form; returns its path. */
async function addPost(page) {
  added += 1;
  assert.equal(await open(page, '/posts/new'), 200);
  await page.getByLabel('Reference').fill(`E2E-${Date.now()}-${added}`);
  await page.getByLabel('Job title').fill('Community warden');
  await page.getByLabel('Service area').selectOption('environmental_health');
  await page.getByLabel('Grade').fill('5');
  await page.getByLabel('Hours a week').fill('37');
  await page.getByLabel('Site').fill('Civic Centre');
  await page.getByLabel('Annual cost').fill('34,000');
  assert.equal(await submit(page, '/posts/new'), 200);
  return new URL(page.url()).pathname;
}

describe('accessibility', () => {
  test('the jobs list and a vacancy, in English and Welsh', () => as('staff', async (page) => {
    const links = await vacancyLinks(page, '/vacancies');
    assert.ok(links.length > 0, 'the demo has open vacancies');
    await check(page, 'jobs');
    await switchLanguage(page, 'cy');
    await check(page, 'jobs', 'cy');
    assert.equal(await open(page, links[0]), 200);
    await check(page, 'vacancy', 'cy');
    await switchLanguage(page, 'en');
    await check(page, 'vacancy');
  }));

  test('posts, a post and adding one with errors', () => as('manager', async (page) => {
    assert.equal(await open(page, '/posts?status=vacant'), 200);
    await check(page, 'posts');
    await switchLanguage(page, 'cy');
    await check(page, 'posts', 'cy');
    await switchLanguage(page, 'en');
    assert.equal(await open(page, '/posts/new'), 200);
    await check(page, 'new post');
    assert.equal(await submit(page, '/posts/new'), 422);
    await expectErrorSummary(page, {
      fields: ['reference', 'title', 'service_area', 'grade', 'hours', 'site', 'annual_cost'],
    });
    await check(page, 'new post with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'new post', 'cy');
    await switchLanguage(page, 'en');
    const post = await addPost(page);
    await check(page, 'post');
  }));

  test('a review with errors, in English and Welsh', () => as('manager', async (page) => {
    const post = await addPost(page);
    assert.equal(await open(page, `${post}/review`), 200);
    await check(page, 'review');
    assert.equal(await submit(page, `${post}/review`), 422);
    await expectErrorSummary(page, { fields: ['decision', 'reason'] });
    await check(page, 'review with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'review', 'cy');
  }));

  test('a new role and the details form with errors', () => as('manager', async (page) => {
    assert.equal(await open(page, '/vacancies/new'), 200);
    await check(page, 'new role');
    await page.locator('[id="essential_code-1"]').fill('Not A Code');
    assert.equal(await submit(page, '/vacancies/new'), 422);
    await expectErrorSummary(page, {
      fields: ['title', 'summary', 'service_area', 'grade_min', 'grade_max', 'hours', 'site',
        'essential_code-1', 'essential_title-1'],
    });
    await check(page, 'new role with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'new role', 'cy');
  }));

  test('approving a review, with errors, in English and Welsh', () => as('hr', async (page) => {
    const waiting = await vacancyLinks(page, '/vacancies?view=reviews');
    assert.ok(waiting.length > 0, 'the demo has reviews waiting for HR');
    await check(page, 'reviews waiting');
    assert.equal(await open(page, waiting[0]), 200);
    await check(page, 'vacancy for HR');
    assert.equal(await open(page, `${waiting[0]}/approve`), 200);
    await check(page, 'approve');
    assert.equal(await submit(page, `${waiting[0]}/approve`), 422);
    await expectErrorSummary(page, { fields: ['outcome'] });
    await check(page, 'approve with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'approve', 'cy');
  }));

  test('editing a vacancy and asking for an exception, with errors', () => as('manager', async (page) => {
    const mine = await vacancyLinks(page, '/vacancies?view=reviews');
    await check(page, 'my reviews');
    // One held for the pool with no exception asked yet.
    let target;
    for (const href of mine) {
      await open(page, href);
      if (await page.locator(`main a[href="${href}/exception"]`).count() > 0) {
        target = href;
        break;
      }
    }
    assert.ok(target, 'the demo has a vacancy held for the pool');
    await check(page, 'vacancy for its manager');
    assert.equal(await open(page, `${target}/edit`), 200);
    await check(page, 'edit vacancy');
    await page.getByLabel('Hours a week').fill('many');
    assert.equal(await submit(page, `${target}/edit`), 422);
    await expectErrorSummary(page, { fields: ['hours'] });
    await check(page, 'edit vacancy with errors');
    assert.equal(await open(page, `${target}/exception`), 200);
    await check(page, 'exception');
    assert.equal(await submit(page, `${target}/exception`), 422);
    await expectErrorSummary(page, { fields: ['reason'] });
    await check(page, 'exception with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'exception', 'cy');
  }));
});

test('without JavaScript, a manager reviews a post and HR approves it into the pool', async () => {
  const options = { javaScriptEnabled: false };
  const vacancy = await as('manager', async (page) => {
    const post = await addPost(page);
    assert.equal(await open(page, `${post}/review`), 200);
    await page.getByLabel('Replace', { exact: true }).check();
    await page.getByLabel('Why?').fill('The wardens cover the town centre every day.');
    assert.equal(await submit(page, `${post}/review`), 200);
    assert.equal(new URL(page.url()).searchParams.get('notice'), 'review_started');
    await page.locator('.govuk-notification-banner', { hasText: 'sent to HR' }).waitFor();
    return new URL(page.url()).pathname;
  }, options);
  await as('hr', async (page) => {
    assert.equal(await open(page, `${vacancy}/approve`), 200);
    assert.equal(await submit(page, `${vacancy}/approve`), 422);
    await expectErrorSummary(page, { fields: ['outcome'], javascript: false });
    await page.getByLabel('Approve', { exact: true }).check();
    assert.equal(await submit(page, `${vacancy}/approve`), 200);
    assert.equal(new URL(page.url()).searchParams.get('notice'), 'review_approved');
    assert.match(await page.locator('main .govuk-tag').first().innerText(), /Held for the talent pool until/);
  }, options);
  // Staff outside the pool do not see it during the freeze (the demo's
  // staff account is in the pool; the panel member is not).
  await as('panel', async (page) => {
    assert.equal(await open(page, vacancy), 404);
  });
});
