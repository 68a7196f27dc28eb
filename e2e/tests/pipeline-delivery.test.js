// The delivery pages of the innovation pipeline: a pilot, its evaluation and
// the draft case study. axe checks each page (in English and Welsh, with and
// without errors), and the innovation lead's journey posts a pilot update,
// records an evaluation and drafts the case study from it.
//
// The ideas come from the demo, which seeds ideas at every stage; they are
// found as a person finds them, through the ideas list filtered by stage.
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
  server = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser signed in as Northmere's innovation lead. */
async function asLead(fn) {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    const lead = account(server.accounts, NORTHMERE, 'innovation_lead');
    await signIn(page, lead.email, lead.password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/** The path of the first demo idea at a stage, from the ideas list. */
async function ideaAt(page, stage) {
  assert.equal(await open(page, `/ideas?stage=${stage}`), 200, `the ideas list at ${stage}`);
  const hrefs = await page.locator('main a[href^="/ideas/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => /^\/ideas\/[0-9a-f-]{36}$/.test(h));
  assert.ok(href, `the demo has an idea at ${stage}; links found: ${hrefs.join(', ')}`);
  return href;
}

async function check(page, label, lang = 'en') {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${label} is in ${lang}`);
  await expectAccessible(page, `${label} [${lang}]`);
}

describe('accessibility', () => {
  test('the pilot page, in English and Welsh', () => asLead(async (page) => {
    const idea = await ideaAt(page, 'pilot');
    assert.equal(await open(page, `${idea}/pilot`), 200);
    // The demo pilot is under way: budget against actual, an overdue milestone, updates, a team.
    await page.locator('main svg[role="img"] title').waitFor({ state: 'attached' });
    assert.match(await page.locator('#budget ~ dl').first().innerText(), /Spent/);
    assert.ok(await page.locator('main .govuk-tag', { hasText: 'Overdue' }).count() > 0, 'an overdue milestone');
    assert.ok(await page.locator('main .govuk-tag', { hasText: /Done/ }).count() > 0, 'a milestone done');
    assert.ok(await page.locator('#team ~ table tbody tr').count() > 0, 'a team');
    await check(page, 'pilot');
    await switchLanguage(page, 'cy');
    await check(page, 'pilot', 'cy');
  }));

  test('the pilot plan page', () => asLead(async (page) => {
    const idea = await ideaAt(page, 'pilot');
    assert.equal(await open(page, `${idea}/pilot/plan`), 200);
    await check(page, 'pilot plan');
  }));

  test('the pilot page with errors: an empty update and an empty plan', () => asLead(async (page) => {
    const idea = await ideaAt(page, 'pilot');
    await open(page, `${idea}/pilot`);
    assert.equal(await submit(page, `${idea}/pilot/updates`), 422);
    await expectErrorSummary(page, { fields: ['update-rag', 'update-body'] });
    await check(page, 'pilot with errors');

    await open(page, `${idea}/pilot/plan`);
    for (const id of ['starts-day', 'ends-day', 'budget', 'baseline', 'success_measures']) {
      await page.locator(`[id="${id}"]`).fill('');
    }
    assert.equal(await submit(page, `${idea}/pilot/plan`), 422);
    await expectErrorSummary(page, { fields: ['starts-day', 'ends-day', 'budget', 'baseline', 'success_measures'] });
    await check(page, 'pilot plan with errors');
  }));

  test('the evaluation page, with errors, in English and Welsh', () => asLead(async (page) => {
    const idea = await ideaAt(page, 'evaluation');
    assert.equal(await open(page, `${idea}/evaluation`), 200);
    await check(page, 'evaluation');
    // The pilot's spend is offered as the actual cost; nothing else is answered.
    assert.notEqual(await page.getByLabel('Actual cost').inputValue(), '');
    assert.equal(await submit(page, `${idea}/evaluation`), 422);
    await expectErrorSummary(page, {
      fields: ['cashable', 'non_cashable', 'social_value', 'outcome', 'results', 'evidence', 'transfers'],
    });
    await check(page, 'evaluation with errors');

    // Stopped without lessons: the one thing missing is the lessons.
    for (const label of ['Cashable savings', 'Non-cashable savings', 'Social value']) {
      await page.getByLabel(label, { exact: true }).fill('0');
    }
    await page.getByLabel('Stopped', { exact: true }).check();
    await page.getByLabel('What did the pilot achieve?').fill('Take-up stayed low.');
    await page.getByLabel(/Level 2:/).check();
    await page.getByLabel('No', { exact: true }).check();
    assert.equal(await submit(page, `${idea}/evaluation`), 422);
    await expectErrorSummary(page, { fields: ['lessons'] });
    assert.equal(await page.getByLabel('What did the pilot achieve?').inputValue(), 'Take-up stayed low.', 'answers kept');

    await switchLanguage(page, 'cy');
    await check(page, 'evaluation', 'cy');
  }));

  test('the case study page before anything is drafted', () => asLead(async (page) => {
    const idea = await ideaAt(page, 'evaluation');
    assert.equal(await open(page, `${idea}/case-study`), 200);
    await check(page, 'case study, none yet');
  }));
});

test('the innovation lead posts a pilot update, records an evaluation and drafts the case study', () => asLead(async (page) => {
  // A pilot update, newest first.
  const piloted = await ideaAt(page, 'pilot');
  await open(page, `${piloted}/pilot`);
  await page.getByLabel('At risk', { exact: true }).check();
  await page.getByLabel('Update', { exact: true }).fill('The supplier is late with the second batch; we are three weeks behind.');
  assert.equal(await submit(page, `${piloted}/pilot/updates`), 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'pilot_update_posted');
  await page.locator('.govuk-notification-banner', { hasText: 'Your update has been posted' }).waitFor();
  const newest = page.locator('#updates ~ ol li').first();
  assert.match(await newest.innerText(), /At risk[\s\S]*three weeks behind/);

  // The evaluation of an idea whose pilot has finished.
  const evaluated = await ideaAt(page, 'evaluation');
  await open(page, `${evaluated}/evaluation`);
  await page.getByLabel('Actual cost').fill('21,400');
  await page.getByLabel('Cashable savings', { exact: true }).fill('48,000');
  await page.getByLabel('Non-cashable savings', { exact: true }).fill('9,500.50');
  await page.getByLabel('Social value', { exact: true }).fill('0');
  await page.getByLabel('Partly adopted', { exact: true }).check();
  await page.getByLabel('What did the pilot achieve?').fill('Repeat calls fell by a quarter in the first area.');
  await page.getByLabel('Lessons').fill('It worked where the front-line team designed it; where it was handed down, it did not.');
  await page.getByLabel(/Level 3:/).check();
  await page.getByLabel('Yes', { exact: true }).check();
  await page.getByLabel('If yes, to what?').fill('Other districts running the same service');
  assert.equal(await submit(page, `${evaluated}/evaluation`), 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'evaluation_recorded');
  assert.equal(await page.getByLabel('Actual cost').inputValue(), '21,400', 'the evaluation is shown back');
  await check(page, 'evaluation recorded');

  // One action turns it into a draft case study.
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'See the draft case study' }).click()]);
  assert.equal(await submit(page, `${evaluated}/case-study`), 200);
  assert.equal(new URL(page.url()).searchParams.get('notice'), 'case_study_drafted');
  const draft = await page.locator('main dl').innerText();
  assert.match(draft, /Partly adopted/);
  assert.match(draft, /Level 3: causality/);
  assert.match(draft, /£48,000/);
  assert.match(draft, /front-line team designed it/);
  await check(page, 'case study drafted');
  await switchLanguage(page, 'cy');
  await check(page, 'case study drafted', 'cy');
}));
