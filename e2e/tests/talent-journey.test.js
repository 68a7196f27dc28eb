// Journeys from invitation to placement, and the redeployment team. axe
// checks every page in English and Welsh, with errors shown; the whole
// journey is walked in the browser, from the person's answer to the
// placement after a trial; and the forms work without JavaScript.
//
// The journeys come from the demo, which puts people on journeys at every
// step; they are found as HR finds them, through the list filtered by step.
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

/** A fresh browser signed in as one of Northmere's demo accounts. */
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
}

/** The journey pages listed at a step, from HR's list. */
async function journeysAt(page, step) {
  assert.equal(await open(page, `/talent/journeys?step=${step}`), 200);
  const hrefs = await page.locator('main table a[href^="/talent/journeys/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length > 0, `the demo has a journey at ${step}`);
  return hrefs;
}

describe('accessibility', () => {
  test('the list of journeys, in English and Welsh', () => as('hr', async (page) => {
    assert.equal(await open(page, '/talent/journeys'), 200);
    assert.ok(await page.locator('main table tbody tr').count() > 0, 'journeys are listed');
    await check(page, 'journeys');
    await page.getByLabel('Step').selectOption('trial');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show journeys' }).click()]);
    assert.equal(new URL(page.url()).searchParams.get('step'), 'trial');
    await switchLanguage(page, 'cy');
    await check(page, 'journeys', 'cy');
  }));

  test('a trial, with the extension and return forms in error', () => as('hr', async (page) => {
    const [journey] = await journeysAt(page, 'trial');
    assert.equal(await open(page, journey), 200);
    assert.match(await page.locator('main dl').innerText(), /Trial/);
    await check(page, 'journey on trial');
    assert.equal(await submit(page, `${journey}/extension`), 422);
    await expectErrorSummary(page, { fields: ['agreement', 'extended-end-day'] });
    await check(page, 'extension with errors');
    assert.equal(await submit(page, `${journey}/return`), 422);
    await expectErrorSummary(page, { fields: ['reason'] });
    await check(page, 'return with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'journey on trial', 'cy');
  }));

  test('an offer without a training plan, in Welsh', () => as('hr', async (page) => {
    const [journey] = await journeysAt(page, 'assessed');
    await open(page, `${journey}?lang=cy`);
    await check(page, 'assessed journey', 'cy');
  }));

  test('the redeployment team, with errors, in English and Welsh', () => as('hr', async (page) => {
    assert.equal(await open(page, '/talent/redeployment'), 200);
    assert.ok(await page.locator('#assignments ~ table tbody tr').count() > 0, 'assignments are running');
    await check(page, 'redeployment');
    assert.equal(await submit(page, '/talent/redeployment'), 422);
    await expectErrorSummary(page, { fields: ['employee_number', 'kind', 'title', 'starts-day', 'ends-day'] });
    await check(page, 'redeployment with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'redeployment', 'cy');
  }));

  test("the person's own journeys and an invitation, with errors", () => as('staff', async (page) => {
    assert.equal(await open(page, '/talent/journey'), 200);
    await check(page, 'your journeys');
    const href = await page.locator('main table tr', { hasText: 'Reply needed' }).locator('a').first().getAttribute('href');
    assert.ok(href, 'the demo staff account has an invitation to answer');
    assert.equal(await open(page, href), 200);
    await check(page, 'an invitation');
    assert.equal(await submit(page, href), 422);
    await expectErrorSummary(page, { fields: ['answer'] });
    await check(page, 'an invitation with errors');
    await switchLanguage(page, 'cy');
    await check(page, 'an invitation', 'cy');
  }));
});

test('from an invitation to a placement after a trial', async () => {
  // The person says they are interested.
  const journeyPath = await as('staff', async (page) => {
    await open(page, '/talent/journey');
    const href = await page.locator('main table tr', { hasText: 'Reply needed' }).locator('a').first().getAttribute('href');
    await open(page, href);
    await page.getByLabel('Yes, I am interested').check();
    assert.equal(await submit(page, href), 200);
    await page.locator('.govuk-notification-banner', { hasText: 'you have said you are interested' }).waitFor();
    return href.replace('/talent/journey/', '/talent/journeys/');
  });

  // The manager assesses, offers with a training plan, and starts the trial.
  await as('manager', async (page) => {
    assert.equal(await open(page, journeyPath), 200, "the manager's own vacancy");
    await page.getByLabel('Note (optional)').fill('A good conversation with the team.');
    assert.equal(await submit(page, journeyPath), 200);
    await page.locator('.govuk-notification-banner', { hasText: 'The assessment has been recorded' }).waitFor();
    await page.getByLabel('Training plan').fill('Two weeks shadowing, then the council tax course.');
    assert.equal(await submit(page, journeyPath), 200);
    await page.locator('.govuk-notification-banner', { hasText: 'The offer has been recorded' }).waitFor();
    const today = new Date();
    await page.getByLabel('Day').fill(String(today.getDate()));
    await page.getByLabel('Month').fill(String(today.getMonth() + 1));
    await page.getByLabel('Year').fill(String(today.getFullYear()));
    assert.equal(await submit(page, journeyPath), 200);
    await page.locator('.govuk-notification-banner', { hasText: 'The trial has started' }).waitFor();
    await check(page, 'a trial, as the manager');
    // The manager never sees the training plan.
    assert.doesNotMatch(await page.locator('main').innerText(), /council tax course/);
    await page.getByLabel('Passed', { exact: true }).check();
    assert.equal(await submit(page, `${journeyPath}/outcome`), 200);
    await page.locator('.govuk-notification-banner', { hasText: 'The trial outcome has been recorded' }).waitFor();
    assert.doesNotMatch(await page.locator('main dl').innerText(), /Passed/);
  });

  // HR confirms the placement; the history shows every step.
  await as('hr', async (page) => {
    await open(page, journeyPath);
    assert.match(await page.locator('main dl').innerText(), /Passed, recorded on/);
    assert.equal(await submit(page, journeyPath), 200);
    await page.locator('.govuk-notification-banner', { hasText: 'They have been placed in the post' }).waitFor();
    const steps = await page.locator('#history ~ table tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(steps, ['Invited', 'Interested', 'Assessed', 'Offered', 'On trial', 'Placed']);
    await check(page, 'a placement');
  });
});

test('without JavaScript HR ends an assignment and sees a form refused', () => as('hr', async (page) => {
  const cls = await page.locator('body').getAttribute('class');
  assert.ok(!/js-enabled/.test(cls || ''), 'JavaScript is off');
  assert.equal(await open(page, '/talent/redeployment'), 200);
  const before = await page.locator('#assignments ~ table tbody tr').count();
  assert.ok(before > 0);
  const form = page.locator('#assignments ~ table tbody tr form').first();
  const action = await form.getAttribute('action');
  assert.equal(await submit(page, action), 200);
  await page.locator('.govuk-notification-banner', { hasText: 'The assignment has ended' }).waitFor();
  assert.equal(await page.locator('#assignments ~ table tbody tr').count(), before - 1);
  assert.equal(await submit(page, '/talent/redeployment'), 422);
  await expectErrorSummary(page, { fields: ['employee_number', 'kind', 'title', 'starts-day', 'ends-day'], javascript: false });
}, { javaScriptEnabled: false }));
