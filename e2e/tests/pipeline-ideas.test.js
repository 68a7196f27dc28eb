// The ideas part of the innovation pipeline in a real browser: every page it
// adds passes axe (signed in as a resident, a member of staff and the
// innovation lead), and the journey works with and without JavaScript: the
// innovation lead creates a challenge, a resident answers it through the
// check page, and the lead screens the idea.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, submit, switchLanguage,
} from '../lib/browser.js';

const NORTHMERE = 'Northmere Borough Council';
const QUESTION = 'How might we keep our parks tidy after summer events?';
const TITLE = 'Volunteer litter pickers after park events';

let server;
let browser;
/** Shared between the steps of the journey. */
const journey = {};

before(async () => {
  server = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function session(role, options = {}) {
  const context = await newContext(browser, server.url, options);
  const page = await context.newPage();
  const who = account(server.accounts, NORTHMERE, role);
  await signIn(page, who.email, who.password);
  return { context, page };
}

async function check(page, label, path, status = 200) {
  if (path !== null) {
    assert.equal(await open(page, path), status, `${label}: HTTP status of ${path}`);
  }
  await expectAccessible(page, label);
}

/** Clicks a submit button and waits for the page it leads to. */
async function press(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response?.status();
}

function dateParts(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return [String(d.getUTCDate()), String(d.getUTCMonth() + 1), String(d.getUTCFullYear())];
}

async function fillIdea(page, title) {
  await page.locator('#title').fill(title);
  await page.locator('#problem').fill('After summer events, litter is left in the parks for days because the clean-up crew works weekdays only.');
  await page.locator('#proposal').fill('Recruit volunteer litter pickers through the friends-of-parks groups for the morning after each event.');
  await page.locator('#service_area').selectOption('parks_and_leisure');
  await page.locator('#measure_today').fill('Litter stays for 3 days after an event');
  await page.locator('#measure_aspiration').fill('Cleared by noon the next day');
  await page.locator('#expected_benefit').fill('Cleaner parks and stronger community groups.');
  await page.locator('input[name="kind"][value="incremental"]').check();
  await page.locator('input[name="facet"][value="adaptive"]').check();
  await page.locator('input[name="lever"][value="new_customers"]').check();
}

const IDEA_FIELDS = [
  'title', 'problem', 'proposal', 'service_area', 'measure_today', 'measure_aspiration',
  'expected_benefit', 'kind', 'facet', 'lever',
];

describe('the journey', () => {
  test('the innovation lead creates a challenge', async (t) => {
    const { context, page } = await session('innovation_lead');
    try {
      await t.test('the challenges list and the new challenge form', async () => {
        await check(page, 'challenges (lead)', '/challenges');
        await check(page, 'new challenge', '/challenges/new');
      });
      await t.test('an empty form is refused with an error summary', async () => {
        assert.equal(await submit(page, '/challenges/new'), 422);
        await expectErrorSummary(page, {
          fields: ['question', 'description', 'audience', 'opens-day', 'closes-day', 'innovation'],
        });
        await check(page, 'new challenge with errors', null);
      });
      await t.test('an innovation challenge without a pot or criteria is refused', async () => {
        await page.locator('#question').fill(QUESTION);
        await page.getByRole('radio', { name: 'Yes', exact: true }).check();
        assert.equal(await submit(page, '/challenges/new'), 422);
        await expectErrorSummary(page, {
          fields: ['description', 'audience', 'opens-day', 'closes-day', 'pot', 'criterion-name-1'],
        });
        assert.equal(await page.locator('#question').inputValue(), QUESTION, 'the question is kept');
      });
      await t.test('a good challenge is created', async () => {
        await page.locator('#description').fill('Summer events leave litter behind. We want ideas from everyone.');
        await page.getByRole('radio', { name: 'Everyone', exact: true }).check();
        const [od, om, oy] = dateParts(0);
        const [cd, cm, cy] = dateParts(30);
        await page.locator('#opens-day').fill(od);
        await page.locator('#opens-month').fill(om);
        await page.locator('#opens-year').fill(oy);
        await page.locator('#closes-day').fill(cd);
        await page.locator('#closes-month').fill(cm);
        await page.locator('#closes-year').fill(cy);
        await page.getByRole('radio', { name: 'No', exact: true }).check();
        assert.equal(await submit(page, '/challenges/new'), 200);
        assert.match(new URL(page.url()).pathname, /^\/challenges\/[0-9a-f-]{36}$/);
        assert.equal((await page.locator('main h1').innerText()).trim(), QUESTION);
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /created/);
        journey.challenge = new URL(page.url()).pathname;
        await check(page, 'challenge (lead)', null);
        await check(page, 'edit challenge', `${journey.challenge}/edit`);
      });
      await t.test('the stage configuration', async () => {
        await check(page, 'pipeline stages', '/pipeline/stages');
        await page.locator('#name_screened').fill('');
        const save = page.locator('main form:has(input[name="action"][value="save"]) button[type="submit"]');
        assert.equal(await press(page, save), 422);
        await expectErrorSummary(page, { fields: ['name_screened'] });
        await check(page, 'pipeline stages with errors', null);
        const add = page.locator('main form:has(input[name="action"][value="add"]) button[type="submit"]');
        await open(page, '/pipeline/stages');
        assert.equal(await press(page, add), 422);
        await expectErrorSummary(page, { fields: ['new_name', 'new_after'] });
      });
    } finally {
      await context.close();
    }
  });

  test('a resident answers it through the check page, with JavaScript', async (t) => {
    assert.ok(journey.challenge, 'the challenge was created');
    const { context, page } = await session('resident');
    try {
      await t.test('the challenge page offers to submit an idea', async () => {
        await check(page, 'challenge (resident)', journey.challenge);
        await press(page, page.getByRole('button', { name: 'Submit an idea' }));
        assert.equal(new URL(page.url()).pathname, '/ideas/new');
        await check(page, 'new idea form', null);
        assert.match(await page.locator('main .govuk-inset-text').innerText(), /keep our parks tidy/);
      });
      await t.test('an empty form is refused', async () => {
        assert.equal(await submit(page, '/ideas/check'), 422);
        await expectErrorSummary(page, { fields: IDEA_FIELDS });
        await check(page, 'new idea with errors', null);
      });
      await t.test('similar ideas appear while typing', async () => {
        await page.locator('#title').fill('Report potholes with a photo from a phone');
        const link = page.locator('#similar-ideas a', { hasText: 'Report potholes with a photo' });
        await link.first().waitFor({ timeout: 10_000 });
        assert.equal(await page.locator('#similar-ideas').getAttribute('aria-live'), 'polite');
        await expectAccessible(page, 'new idea with similar ideas');
      });
      await t.test('the check page shows the answers, and an answer can be changed', async () => {
        await fillIdea(page, 'Volunteer litter pickers');
        assert.equal(await submit(page, '/ideas/check'), 200);
        assert.equal((await page.locator('main h1').innerText()).trim(), 'Check your idea before you submit it');
        await check(page, 'check your idea', null);
        const changeTitle = page.getByRole('button', { name: 'Change Title' });
        await press(page, changeTitle);
        assert.equal(await page.locator('#title').inputValue(), 'Volunteer litter pickers');
        assert.equal(await page.locator('#service_area').inputValue(), 'parks_and_leisure', 'the other answers are kept');
        await page.locator('#title').fill(TITLE);
        assert.equal(await submit(page, '/ideas/check'), 200);
        const summary = await page.locator('main .govuk-summary-list').innerText();
        assert.match(summary, new RegExp(TITLE));
      });
      await t.test('submitting shows the idea', async () => {
        assert.equal(await submit(page, '/ideas'), 200);
        assert.match(new URL(page.url()).pathname, /^\/ideas\/[0-9a-f-]{36}$/);
        assert.equal((await page.locator('main h1').innerText()).trim(), TITLE);
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /submitted/);
        journey.idea = new URL(page.url()).pathname;
        await check(page, 'idea (its author)', null);
        assert.equal(await page.locator(`form[action="${journey.idea}/move"]`).count(), 0, 'a resident cannot move ideas');
        await check(page, 'change idea', `${journey.idea}/edit`);
      });
      await t.test('the ideas list, filtered', async () => {
        await check(page, 'ideas (resident)', '/ideas');
        await check(page, 'ideas filtered', '/ideas?stage=submitted&kind=incremental&q=litter');
        assert.match(await page.locator('main table').innerText(), new RegExp(TITLE));
        await check(page, 'ideas with a bad filter', '/ideas?stage=limbo', 422);
        await expectErrorSummary(page, { fields: ['stage'] });
      });
      await t.test('in Welsh', async () => {
        await open(page, '/ideas/new');
        await switchLanguage(page, 'cy');
        assert.equal(await submit(page, '/ideas/check'), 422);
        await expectErrorSummary(page, { fields: IDEA_FIELDS, lang: 'cy' });
        await check(page, 'new idea with errors, Welsh', null);
        await check(page, 'challenges, Welsh', '/challenges');
        await check(page, 'idea, Welsh', journey.idea);
        await switchLanguage(page, 'en');
      });
    } finally {
      await context.close();
    }
  });

  test('a resident answers it without JavaScript', async (t) => {
    const { context, page } = await session('resident', { javaScriptEnabled: false });
    try {
      await t.test('JavaScript really is off', async () => {
        const cls = await page.locator('body').getAttribute('class');
        assert.ok(!/js-enabled/.test(cls), `body class is "${cls}"`);
      });
      await t.test('the check page lists similar ideas, then the idea is submitted', async () => {
        await open(page, `/ideas/new?challenge=${journey.challenge.split('/').pop()}`);
        assert.equal(await submit(page, '/ideas/check'), 422);
        await expectErrorSummary(page, { fields: IDEA_FIELDS, javascript: false });
        await fillIdea(page, 'Litter pickers volunteering after park events');
        assert.equal(await submit(page, '/ideas/check'), 200);
        const similar = page.locator('main ul a', { hasText: TITLE });
        assert.equal(await similar.count(), 1, 'the idea submitted a moment ago is listed as similar');
        assert.equal(await submit(page, '/ideas'), 200);
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /submitted/);
      });
    } finally {
      await context.close();
    }
  });

  test('staff see the pages but cannot move ideas', async (t) => {
    const { context, page } = await session('staff');
    try {
      await t.test('every page passes axe', async () => {
        await check(page, 'challenges (staff)', '/challenges');
        await check(page, 'challenge (staff)', journey.challenge);
        await check(page, 'ideas (staff)', '/ideas');
        await check(page, 'idea (staff)', journey.idea);
        await check(page, 'new idea (staff)', '/ideas/new');
        assert.equal(await open(page, '/pipeline/stages'), 403);
      });
      await t.test('no move form, and an idea by someone with a pseudonym shows only that', async () => {
        await open(page, journey.idea);
        assert.equal(await page.locator(`form[action="${journey.idea}/move"]`).count(), 0);
        await open(page, '/ideas?q=potholes');
        assert.match(await page.locator('main table').innerText(), /Streetwise/);
      });
    } finally {
      await context.close();
    }
  });

  test('the innovation lead screens the idea', async (t) => {
    const { context, page } = await session('innovation_lead');
    try {
      await t.test('the idea page offers the move form', async () => {
        await check(page, 'idea (lead)', journey.idea);
        assert.equal(await submit(page, `${journey.idea}/move`), 422);
        await expectErrorSummary(page, { fields: ['to'] });
        await check(page, 'idea with move errors', null);
      });
      await t.test('sending it back is not offered, stopping needs a reason', async () => {
        await page.getByRole('radio', { name: /^Stop it/ }).check();
        assert.equal(await submit(page, `${journey.idea}/move`), 422);
        await expectErrorSummary(page, { fields: ['reason'] });
      });
      await t.test('screening moves it and records why', async () => {
        await page.getByRole('radio', { name: 'Forward to Screened' }).check();
        await page.locator('#reason').fill('Clear, cheap and easy to try.');
        assert.equal(await submit(page, `${journey.idea}/move`), 200);
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /moved/);
        const tags = await page.locator('main .govuk-tag').allInnerTexts();
        assert.ok(tags.map((s) => s.trim()).includes('Screened'), `tags: ${tags}`);
        const history = await page.locator('main table').last().innerText();
        assert.match(history, /Submitted to Screened/);
        assert.match(history, /Clear, cheap and easy to try\./);
        await expectAccessible(page, 'idea after a move');
      });
    } finally {
      await context.close();
    }
  });
});
