// The panel's pages in the browser: the queue and an idea's panel page pass
// axe at every step (declaring, scoring, the aggregate, deciding, and with
// errors), in English and Welsh; and a panel member's whole journey: find
// the idea waiting in the innovation challenge, declare no interest, score
// it, see the aggregate, and fund it from the pot, which the queue then
// shows as allocated.
//
// It uses the demo as the pipeline seeds it: in each council's innovation
// challenge (which has a pot), the panel member has scored one idea at the
// decision stage and left the newest for whoever tries the demo.
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
  server = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function withPanelMember(council, fn) {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    const who = account(server.accounts, council, 'panel');
    await signIn(page, who.email, who.password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/** Pounds as the pages write them: "£1,234" or "£1,234.50". */
function pounds(pence) {
  const whole = Math.floor(pence / 100).toLocaleString('en-GB');
  const rest = pence % 100;
  return rest === 0 ? `£${whole}` : `£${whole}.${String(rest).padStart(2, '0')}`;
}

/**
 * The queue's innovation challenge (a section with a pot) and the idea in it
 * at the decision stage that is waiting for this panel member.
 */
async function waitingIdea(page) {
  assert.equal(await open(page, '/panel'), 200);
  const found = await page.locator('main section').evaluateAll((sections) => {
    for (const section of sections) {
      const remaining = section.querySelector('[data-remaining-pence]');
      if (!remaining) continue;
      for (const row of section.querySelectorAll('tbody tr[data-idea]')) {
        const cells = [...row.querySelectorAll('th, td')].map((c) => c.textContent.trim());
        if (cells[1] === 'Decision' && cells[3] === 'Declare interests') {
          return {
            challenge: section.querySelector('h2').textContent.trim(),
            remaining: Number(remaining.getAttribute('data-remaining-pence')),
            id: row.getAttribute('data-idea'),
            title: cells[0],
          };
        }
      }
    }
    return null;
  });
  assert.ok(found, 'the demo has an idea at the decision stage of an innovation challenge waiting for the panel member');
  return found;
}

/** Submits one of a page's forms by its own button, and waits for the answer. */
async function submitForm(page, selector) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.locator(`main ${selector} button[type="submit"]`).click(),
  ]);
  return response?.status();
}

/** The queue row of one idea, as its cells' texts. */
async function queueRow(page, id) {
  assert.equal(await open(page, '/panel'), 200);
  return page.locator(`main tr[data-idea="${id}"]`).locator('th, td').allInnerTexts()
    .then((cells) => cells.map((c) => c.trim()));
}

async function remainingIn(page, challenge) {
  const section = page.locator('main section').filter({ has: page.locator('h2', { hasText: challenge }) });
  return Number(await section.locator('[data-remaining-pence]').getAttribute('data-remaining-pence'));
}

describe('a panel member funds an idea from the pot', () => {
  test('declare, score, see the aggregate, decide', () => withPanelMember(NORTHMERE, async (page) => {
    const idea = await waitingIdea(page);
    await expectAccessible(page, 'the panel queue');
    const path = `/ideas/${idea.id}/panel`;

    // 1. Declaration: the others' scores are not on the page.
    assert.equal(await open(page, path), 200);
    assert.equal(await page.locator('main h1').innerText(), idea.title);
    assert.equal(await page.locator('main table').count(), 0, 'no score tables before scoring');
    assert.equal(await page.locator('#panel-summary').count(), 0);
    assert.match(await page.locator('main').innerText(), /once you have submitted your own/);
    assert.equal(
      await page.locator(`main a[href="/ideas/${idea.id}/business-case"]`).count(), 1,
      'the business case is one click away',
    );
    await expectAccessible(page, 'panel page: declaration');

    assert.equal(await submit(page, `/ideas/${idea.id}/panel/declaration`), 422);
    await expectErrorSummary(page, { fields: ['conflict'] });
    await expectAccessible(page, 'panel page: declaration with errors');

    await page.locator('#conflict-2').check();
    assert.equal(await submit(page, `/ideas/${idea.id}/panel/declaration`), 422);
    await expectErrorSummary(page, { fields: ['interest'] });
    await expectAccessible(page, 'panel page: an interest with no description');

    await page.locator('#conflict').check();
    assert.equal(await submit(page, `/ideas/${idea.id}/panel/declaration`), 200);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Your declaration has been saved/);

    // 2. Scoring: one group of 0–5 radios per criterion, each score explained.
    const form = `/ideas/${idea.id}/panel/scores`;
    const groups = await page.locator(`main form[action="${form}"] input[type="radio"]`)
      .evaluateAll((inputs) => [...new Set(inputs.map((i) => i.name))]);
    assert.ok(groups.length >= 1, 'the form has a criterion to score');
    for (const name of groups) {
      const values = await page.locator(`input[name="${name}"]`).evaluateAll((i) => i.map((x) => x.value));
      assert.deepEqual(values, ['0', '1', '2', '3', '4', '5']);
    }
    assert.equal(await page.locator('main table').count(), 0, 'still no scores before submitting');
    await expectAccessible(page, 'panel page: scoring');

    assert.equal(await submit(page, form), 422);
    await expectErrorSummary(page, { fields: groups });
    await expectAccessible(page, 'panel page: scoring with errors');

    for (const [i, name] of groups.entries()) {
      await page.locator(`input[name="${name}"][value="${i % 2 === 0 ? 4 : 3}"]`).check();
    }
    await page.locator(`textarea[name="comment-${groups[0].slice('score-'.length)}"]`)
      .fill('The business case shows the savings clearly.');
    assert.equal(await submit(page, form), 200);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Your scores have been submitted/);

    // 3. The aggregate, now that this reviewer has scored.
    const summary = await page.locator('#panel-summary').innerText();
    assert.match(summary, /Reviewers counted\s+\d+/);
    assert.match(summary, /Weighted total, mean \(out of 5\)\s+\d\.\d\d/);
    const reviewers = await page.locator('main table').nth(1).locator('tbody tr').allInnerTexts();
    assert.ok(reviewers.some((r) => /\(you\)\s+\d\.\d\d/.test(r)), `this reviewer's weighted total: ${reviewers}`);
    assert.match(await page.locator('main').innerText(), /The business case shows the savings clearly\./);
    await expectAccessible(page, 'panel page: aggregate');

    // 4. The decision: refused beyond the pot, then funded within it.
    const decision = `/ideas/${idea.id}/decision`;
    assert.equal(await page.locator(`main form[action="${decision}"]`).count(), 2, 'one form to fund, one to decline');
    assert.equal(await submitForm(page, '#fund-form'), 422);
    await expectErrorSummary(page, { fields: ['amount', 'funding_model'] });
    await expectAccessible(page, 'panel page: decision with errors');

    await page.locator('#amount').fill(pounds(idea.remaining + 100));
    await page.locator('#funding_model').check();
    assert.equal(await page.locator('#funding_model').getAttribute('value'), 'challenge_pot');
    assert.equal(await submitForm(page, '#fund-form'), 422);
    await expectErrorSummary(page, { fields: ['amount'] });
    assert.match(
      await page.locator('.govuk-error-summary').innerText(),
      new RegExp(`Only ${pounds(idea.remaining).replace('.', '\\.')} remains in the pot`),
    );
    assert.equal(await page.locator('#amount').inputValue(), pounds(idea.remaining + 100), 'what was typed is kept');
    await expectAccessible(page, 'panel page: an amount beyond the pot');

    await page.locator('#amount').fill('1,000');
    assert.equal(await submitForm(page, '#fund-form'), 200);
    assert.match(
      await page.locator('.govuk-notification-banner').innerText(),
      /The decision to fund the idea has been recorded/,
    );
    assert.match(await page.locator('#decision-record').innerText(), /Funded: £1,000 from the challenge's pot/);
    assert.equal(await page.locator(`main form[action="${decision}"]`).count(), 0, 'decided once');
    await expectAccessible(page, 'panel page: decided');

    // The queue shows the money taken from the pot.
    const row = await queueRow(page, idea.id);
    assert.equal(row[3], 'Scored');
    assert.equal(row[4], "Funded: £1,000 from the challenge's pot");
    assert.equal(await remainingIn(page, idea.challenge), idea.remaining - 100_000);
    await expectAccessible(page, 'the panel queue after a decision');
  }));
});

describe('a panel member with an interest', () => {
  test('declares it and is shown no scores', () => withPanelMember(ASKE_VALE, async (page) => {
    const idea = await waitingIdea(page);
    const path = `/ideas/${idea.id}/panel`;
    assert.equal(await open(page, path), 200);
    await page.locator('#conflict-2').check();
    await page.locator('#interest').fill('The author is my neighbour and a close friend.');
    assert.equal(await submit(page, `/ideas/${idea.id}/panel/declaration`), 200);
    const text = await page.locator('main').innerText();
    assert.match(text, /You declared an interest/);
    assert.match(text, /The author is my neighbour and a close friend\./);
    assert.equal(await page.locator(`main form[action="/ideas/${idea.id}/panel/scores"]`).count(), 0);
    assert.equal(await page.locator(`main form[action="/ideas/${idea.id}/decision"]`).count(), 0);
    assert.equal(await page.locator('main table').count(), 0);
    await expectAccessible(page, 'panel page: interest declared');
    const row = await queueRow(page, idea.id);
    assert.equal(row[3], 'Interest declared');
  }));
});

describe('in Welsh', () => {
  test('the queue and an idea\'s panel page', () => withPanelMember(NORTHMERE, async (page) => {
    assert.equal(await open(page, '/panel'), 200);
    await switchLanguage(page, 'cy');
    await expectAccessible(page, 'the panel queue [cy]');
    // An idea this panel member has not declared on yet, so the form is there.
    const row = page.locator('main tbody tr[data-idea]').filter({ hasText: 'Datgan buddiannau' }).first();
    assert.equal(await row.count(), 1, 'an idea awaits a declaration');
    const href = await row.locator('a').getAttribute('href');
    assert.equal(await open(page, href), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'cy');
    await expectAccessible(page, 'panel page [cy]');
    assert.equal(await submit(page, `${href}/declaration`), 422);
    await expectErrorSummary(page, { fields: ['conflict'], lang: 'cy' });
    await expectAccessible(page, 'panel page with errors [cy]');
  }));
});
