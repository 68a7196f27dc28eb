// Questions to the innovators and hosted visits. A member of Aske Vale asks
// Northmere about a shared case and asks to visit; Northmere's innovation
// lead accepts and schedules the visit; Aske Vale gives feedback on a past
// visit. Every page is checked with axe in English and Welsh (and with its
// errors shown), and the whole journey works without JavaScript.
//
// The demo seeds a Northmere case Aske Vale reads, questions answered and
// waiting, and visit requests in every state, two of them in the past.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, submit, switchLanguage,
} from '../lib/browser.js';

const NORTHMERE = 'Northmere Borough Council';
const ASKE_VALE = 'Aske Vale District Council';

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

async function check(page, label) {
  await expectAccessible(page, `${label} [en]`);
  await switchLanguage(page, 'cy');
  await expectAccessible(page, `${label} [cy]`);
  await switchLanguage(page, 'en');
}

/** The visit pages listed on /exchange/visits. */
async function visitLinks(page) {
  assert.equal(await open(page, '/exchange/visits'), 200);
  const hrefs = await page.locator('main table a[href^="/exchange/visits/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  return [...new Set(hrefs)];
}

/** The shared case Aske Vale has asked to visit, by its publication link. */
async function sharedCase(page) {
  const visits = await visitLinks(page);
  assert.ok(visits.length > 0, 'the demo has Aske Vale visit requests');
  assert.equal(await open(page, visits[0]), 200);
  const href = await page.locator('#visit a[href^="/exchange/cases/"]').first().getAttribute('href');
  assert.ok(href, 'the visit links to its case');
  return href;
}

/** Click the submit button called `name`=`value` and wait for the answer. */
async function press(page, value) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.locator(`main button[name="action"][value="${value}"]`).click(),
  ]);
  return response?.status();
}

async function ask(page, caseHref) {
  assert.equal(await open(page, `${caseHref}/questions`), 200);
  assert.equal(await submit(page, `${caseHref}/questions`), 422);
  await expectErrorSummary(page, { fields: ['question'], javascript: false });
  await page.getByLabel('Ask a question').fill('How did you train the hub staff?');
  assert.equal(await submit(page, `${caseHref}/questions`), 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'exchange_question_sent');
}

async function requestVisit(page, caseHref) {
  assert.equal(await open(page, `${caseHref}/visits/new`), 200);
  assert.equal(await submit(page, `${caseHref}/visits/new`), 422);
  await expectErrorSummary(page, { fields: ['party_size', 'preferred_dates', 'purpose'], javascript: false });
  await page.getByLabel('How many people').fill('3');
  await page.getByLabel('Preferred dates').fill('Any Thursday next month');
  await page.getByLabel('Purpose of the visit').fill('To see the triage desk.');
  assert.equal(await submit(page, `${caseHref}/visits/new`), 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'exchange_visit_requested');
  return new URL(page.url()).pathname;
}

async function acceptAndSchedule(page, visit) {
  assert.equal(await open(page, visit), 200);
  const when = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  await page.getByLabel('A new visit').check();
  // Errors first: an end before the start.
  await page.getByLabel('Day').fill(String(when.getUTCDate()));
  await page.getByLabel('Month').fill(String(when.getUTCMonth() + 1));
  await page.getByLabel('Year').fill(String(when.getUTCFullYear()));
  await page.getByLabel('Start time').fill('14:00');
  await page.getByLabel('End time').fill('11:00');
  await page.getByLabel('Where').fill('Civic Centre, Hub 1');
  await page.getByLabel('Places', { exact: true }).fill('10');
  assert.equal(await press(page, 'accept'), 422);
  await expectErrorSummary(page, { fields: ['end_time'], javascript: false });
  await page.getByLabel('End time').fill('16:00');
  assert.equal(await press(page, 'accept'), 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'exchange_visit_accepted');
  assert.match(await page.locator('#status').innerText(), /Accepted/);
}

describe('accessibility', () => {
  test('questions, a visit request and the visits list', () => as(ASKE_VALE, 'staff', async (page) => {
    const caseHref = await sharedCase(page);
    await check(page, 'a visit (visitor)');
    assert.equal(await open(page, '/exchange/visits'), 200);
    await check(page, 'visits list');
    assert.equal(await open(page, `${caseHref}/questions`), 200);
    assert.ok(await page.locator('main .answer').count() > 0, 'the demo has an answered question');
    await check(page, 'questions');
    assert.equal(await submit(page, `${caseHref}/questions`), 422);
    await expectErrorSummary(page, { fields: ['question'] });
    await check(page, 'questions with errors');
    assert.equal(await open(page, `${caseHref}/visits/new`), 200);
    await check(page, 'request a visit');
    assert.equal(await submit(page, `${caseHref}/visits/new`), 422);
    await expectErrorSummary(page, { fields: ['party_size', 'preferred_dates', 'purpose'] });
    await check(page, 'request a visit with errors');
  }));

  test('the host answers and schedules', () => as(NORTHMERE, 'innovation_lead', async (page) => {
    const visits = await visitLinks(page);
    await check(page, 'visits list (host)');
    let waiting;
    for (const href of visits) {
      await open(page, href);
      if (await page.locator('main button[value="accept"]').count() > 0) {
        waiting = href;
        break;
      }
    }
    assert.ok(waiting, 'the demo has a request waiting for the host');
    await check(page, 'a visit request (host)');
    assert.equal(await press(page, 'accept'), 422);
    await check(page, 'a visit request with errors');
  }));

  test('feedback after a past visit', () => as(ASKE_VALE, 'staff', async (page) => {
    const visits = await visitLinks(page);
    let past;
    for (const href of visits) {
      await open(page, href);
      if (await page.locator('#give-feedback').count() > 0) {
        past = href;
        break;
      }
    }
    assert.ok(past, 'the demo has a past visit awaiting feedback');
    assert.equal(await open(page, `${past}/feedback`), 200);
    await check(page, 'feedback');
    assert.equal(await submit(page, `${past}/feedback`), 422);
    await expectErrorSummary(page, { fields: ['rating', 'feedback'] });
    await check(page, 'feedback with errors');
  }));
});

test('without JavaScript: ask, request, accept and schedule, give feedback', async () => {
  const options = { javaScriptEnabled: false };
  const visit = await as(ASKE_VALE, 'staff', async (page) => {
    const caseHref = await sharedCase(page);
    await ask(page, caseHref);
    return requestVisit(page, caseHref);
  }, options);
  await as(NORTHMERE, 'innovation_lead', async (page) => {
    await acceptAndSchedule(page, visit);
    // The host's innovation lead was told of the question and answers it.
    assert.equal(await open(page, '/exchange/visits'), 200);
  }, options);
  await as(ASKE_VALE, 'staff', async (page) => {
    assert.equal(await open(page, visit), 200);
    const href = await page.locator('#invitation').getAttribute('href');
    const ics = await page.request.get(href);
    assert.equal(ics.status(), 200);
    assert.match(ics.headers()['content-type'], /^text\/calendar/);
    assert.equal(ics.headers()['cache-control'], 'no-store');
    const text = await ics.text();
    assert.match(text, /METHOD:REQUEST/);
    assert.match(text, /SEQUENCE:0/);
    // Feedback on the demo's past visit.
    const visits = await visitLinks(page);
    let past;
    for (const h of visits) {
      await open(page, h);
      if (await page.locator('#give-feedback').count() > 0) {
        past = h;
        break;
      }
    }
    assert.ok(past, 'a past visit awaits feedback');
    assert.equal(await open(page, `${past}/feedback`), 200);
    await page.getByLabel('Good', { exact: true }).check();
    await page.getByLabel('What did you take away from it?').fill('How to run a triage desk.');
    assert.equal(await submit(page, `${past}/feedback`), 200);
    assert.equal(new URL(page.url()).searchParams.get('notice'), 'exchange_feedback_sent');
    assert.match(await page.locator('#feedback').innerText(), /How to run a triage desk/);
  }, options);
});
