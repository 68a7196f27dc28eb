// The whole innovation journey through a council, as its people would make it:
// the innovation lead sets a challenge with a funding pot, a resident answers
// it with an idea, the lead screens it and writes its business case, the panel
// scores and funds it, and the lead pilots, evaluates and adopts it; the
// portfolio then counts it. Every page on the way is checked with axe
// (WCAG 2.2 AA), including the forms shown with errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  expectAccessible, expectErrorSummary, launch, newContext, open, signIn,
} from '../lib/browser.js';

const PASSWORD = 'beacon-demo-2026';
const LEAD = 'innovation-lead@northmere.example';
const RESIDENT = 'resident@northmere.example';
const PANEL = 'panel@northmere.example';

const QUESTION = 'How might we stop bins being missed on narrow streets?';
const TITLE = 'Small-vehicle rounds for narrow streets';
const OPTION = 'Two small electric collection vehicles';
const CRITERIA = [
  { name: 'Residents reached', weight: '60', score: '4 – Good' },
  { name: 'Savings to the council', weight: '40', score: '3 – Adequate' },
];

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

/** Day, month and year of a date some days from today, as a person types it. */
function dateParts(daysFromToday) {
  const d = new Date();
  d.setDate(d.getDate() + daysFromToday);
  return [String(d.getDate()), String(d.getMonth() + 1), String(d.getFullYear())];
}

/** Fills the day, month and year of the date input whose legend is `legend`. */
async function fillDate(scope, legend, daysFromToday) {
  const group = scope.getByRole('group', { name: legend, exact: true });
  const [day, month, year] = dateParts(daysFromToday);
  await group.getByLabel('Day', { exact: true }).fill(day);
  await group.getByLabel('Month', { exact: true }).fill(month);
  await group.getByLabel('Year', { exact: true }).fill(year);
}

/** Opens a page by its address, expects 200 and checks it with axe. */
async function visit(page, path, label) {
  assert.equal(await open(page, path), 200, `${label}: HTTP status of ${path}`);
  await expectAccessible(page, label);
}

/** Follows a link in <main> as a person would, then checks the page with axe. */
async function follow(page, name, label) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    // A link, or a link styled and announced as a button ("Set up the pilot").
    page.locator('main').getByRole('link', { name, exact: true })
      .or(page.locator('main').getByRole('button', { name, exact: true }))
      .first().click(),
  ]);
  assert.equal(response?.status(), 200, `${label}: following “${name}” lands on a page`);
  await expectAccessible(page, label);
}

/**
 * Presses the button called `name` (inside `scope`, the page's <main> by
 * default), waits for the answer, checks it with axe and returns its status.
 */
async function press(page, name, label, { scope, status = 200 } = {}) {
  const within = scope ?? page.locator('main');
  const [response] = await Promise.all([
    page.waitForNavigation(),
    within.getByRole('button', { name, exact: true }).click(),
  ]);
  assert.equal(response?.status(), status, `${label}: HTTP status after “${name}”`);
  await expectAccessible(page, label);
  return response;
}

/** The success banner says `text`. */
async function expectNotice(page, text) {
  const banner = page.locator('main .govuk-notification-banner--success');
  assert.equal(await banner.count(), 1, `a success banner saying “${text}”`);
  assert.match(await banner.innerText(), new RegExp(escape(text)));
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The stage tag under the idea page's heading. */
async function stageOf(page) {
  return (await page.locator('main h1 + p.govuk-body .govuk-tag').innerText()).trim();
}

/** The value of the summary-list row whose key is `key`, within `scope`. */
async function summaryValue(scope, key) {
  const row = scope.locator('.govuk-summary-list__row').filter({
    has: scope.page().locator('dt', { hasText: new RegExp(`^\\s*${escape(key)}\\s*$`) }),
  });
  assert.equal(await row.count(), 1, `one summary row “${key}”`);
  return (await row.locator('dd.govuk-summary-list__value').innerText()).trim();
}

/** The cells of the table row headed `header` in the table captioned `caption`. */
async function tableRow(page, caption, header) {
  const table = page.locator('main table').filter({ has: page.locator('caption', { hasText: caption }) });
  assert.equal(await table.count(), 1, `one table captioned “${caption}”`);
  const row = table.locator('tbody tr').filter({
    has: page.locator('th', { hasText: new RegExp(`^\\s*${escape(header)}\\s*$`) }),
  });
  assert.equal(await row.count(), 1, `one row “${header}” in “${caption}”`);
  return (await row.locator('td').allInnerTexts()).map((t) => t.trim());
}

/** Moves the idea, from its own page, with the radio labelled `choice`. */
async function moveIdea(page, choice, label, { status = 200 } = {}) {
  await page.locator('main').getByRole('radio', { name: choice, exact: true }).check();
  return press(page, 'Move idea', label, { status });
}

async function person(email, next) {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  await signIn(page, email, PASSWORD, next);
  return { context, page };
}

test('an idea goes from a challenge to adoption, and the portfolio counts it', async (t) => {
  const lead = await person(LEAD);
  const resident = await person(RESIDENT);
  const panel = await person(PANEL);
  let challengePath;
  let ideaPath;
  try {
    await t.test('the innovation lead creates a challenge with a pot and two weighted criteria', async () => {
      const { page } = lead;
      await visit(page, '/challenges', 'challenges, lead');
      await follow(page, 'Create a challenge', 'new challenge');
      const main = page.locator('main');
      await main.getByLabel('Question', { exact: true }).fill(QUESTION);
      await main.getByLabel('Description', { exact: true }).fill(
        'Refuse lorries cannot get down some terraced streets when cars are parked on both sides, '
        + 'so the same households are missed week after week.',
      );
      await main.getByRole('radio', { name: 'Everyone', exact: true }).check();
      await fillDate(main, 'When does it open?', 0);
      await fillDate(main, 'When does it close?', 60);
      await main.getByRole('group', { name: 'Is this an innovation challenge?' })
        .getByRole('radio', { name: 'Yes', exact: true }).check();
      await main.getByLabel('Funding pot, in pounds', { exact: true }).fill('40,000');
      for (const [i, c] of CRITERIA.entries()) {
        await main.getByLabel(`Criterion ${i + 1}`, { exact: true }).fill(c.name);
        await main.getByLabel(`Weight of criterion ${i + 1}`, { exact: true }).fill(c.weight);
      }
      await press(page, 'Create challenge', 'challenge created');
      await expectNotice(page, 'The challenge has been created.');
      challengePath = new URL(page.url()).pathname;
      assert.match(challengePath, /^\/challenges\/[0-9a-f-]{36}$/);
      assert.equal((await page.locator('main h1').innerText()).trim(), QUESTION);
      assert.equal(await summaryValue(main, 'Funding pot'), '£40,000');
      assert.equal(await summaryValue(main, 'Allocated so far'), '£0');
      assert.equal(await summaryValue(main, 'Left to allocate'), '£40,000');
      for (const c of CRITERIA) {
        assert.deepEqual(await tableRow(page, 'How ideas will be scored', c.name), [c.weight]);
      }
    });

    await t.test('a resident finds the challenge and submits an idea, after fixing an incomplete form', async () => {
      const { page } = resident;
      await visit(page, '/challenges', 'challenges, resident');
      await follow(page, QUESTION, 'challenge, resident');
      assert.equal(new URL(page.url()).pathname, challengePath);
      await follow(page, 'Submit an idea', 'new idea');
      assert.match(page.url(), /\/ideas\/new\?challenge=/);
      const main = page.locator('main');
      assert.match(await main.locator('.govuk-inset-text').innerText(), new RegExp(escape(QUESTION)));

      // Only a title: every other answer is asked for.
      await main.getByLabel('Title', { exact: true }).fill(TITLE);
      await press(page, 'Continue', 'new idea with errors', { status: 422 });
      await expectErrorSummary(page, {
        fields: ['problem', 'proposal', 'service_area', 'measure_today', 'measure_aspiration',
          'expected_benefit', 'kind', 'facet', 'lever'],
      });
      assert.equal(await main.getByLabel('Title', { exact: true }).inputValue(), TITLE, 'the title is kept');

      await main.getByLabel('The problem', { exact: true }).fill(
        'Our street is missed about one week in three because the lorry cannot get past parked cars.',
      );
      await main.getByLabel('Your idea', { exact: true }).fill(
        'Collect from narrow streets with small electric vehicles that fit between parked cars.',
      );
      await main.getByLabel('Service area', { exact: true }).selectOption({ label: 'Waste and recycling' });
      await main.getByLabel('How does it perform today?', { exact: true }).fill('1 in 3 collections missed');
      await main.getByLabel('What should it achieve?', { exact: true }).fill('Fewer than 1 in 100 missed');
      await main.getByLabel('Expected benefit', { exact: true }).fill(
        'Fewer missed bins, fewer complaints and fewer return trips by the big lorries.',
      );
      await main.getByRole('radio', { name: 'Radical', exact: true }).check();
      await main.getByRole('radio', { name: 'Adaptive', exact: true }).check();
      await main.getByRole('radio', { name: 'New resources', exact: true }).check();
      await press(page, 'Continue', 'check your idea');
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Check your idea before you submit it');
      assert.equal(await summaryValue(main, 'Title'), TITLE);
      assert.equal(await summaryValue(main, 'Challenge'), QUESTION);

      await press(page, 'Submit idea', 'idea submitted');
      await expectNotice(page, 'Thank you. Your idea has been submitted');
      ideaPath = new URL(page.url()).pathname;
      assert.match(ideaPath, /^\/ideas\/[0-9a-f-]{36}$/);
      assert.equal((await page.locator('main h1').innerText()).trim(), TITLE);
      assert.equal(await stageOf(page), 'Submitted');
      // The resident does not move ideas.
      assert.equal(await main.getByRole('button', { name: 'Move idea' }).count(), 0);
    });

    await t.test('the lead screens it and cannot send it to a decision without a business case', async () => {
      const { page } = lead;
      await visit(page, challengePath, 'challenge with its idea, lead');
      await follow(page, TITLE, 'idea, lead');
      assert.equal(new URL(page.url()).pathname, ideaPath);
      assert.equal(await stageOf(page), 'Submitted');

      await moveIdea(page, 'Forward to Screened', 'idea screened');
      await expectNotice(page, 'The idea has been moved.');
      assert.equal(await stageOf(page), 'Screened');

      await moveIdea(page, 'Forward to Business case', 'idea at business case');
      await expectNotice(page, 'The idea has been moved.');
      assert.equal(await stageOf(page), 'Business case');

      await moveIdea(page, 'Forward to Decision', 'move refused', { status: 422 });
      await expectErrorSummary(page, { fields: ['to'] });
      assert.match(
        await page.locator('main .govuk-error-summary').innerText(),
        /The idea cannot go to a decision until its business case is complete/,
      );
      assert.equal(await stageOf(page), 'Business case', 'the refused move changed nothing');
    });

    await t.test('the lead writes the business case and the risk register until nothing is missing', async () => {
      const { page } = lead;
      const main = page.locator('main');
      await visit(page, ideaPath, 'idea, lead');
      await follow(page, 'Business case', 'business case, not started');
      assert.equal(await page.locator('[data-business-case]').getAttribute('data-business-case'), 'incomplete');
      const missing = await main.locator('#missing li').allInnerTexts();
      for (const need of ['an option besides business as usual', 'a preferred option',
        'how the idea will be funded', 'the risk of not innovating, with its likelihood and impact',
        'at least one risk in the risk register']) {
        assert.ok(missing.some((m) => m.includes(need)), `missing lists “${need}”: ${missing.join(' | ')}`);
      }

      // An option besides business as usual.
      await follow(page, 'Add an option', 'new option');
      await main.getByLabel('Name of the option', { exact: true }).fill(OPTION);
      await main.getByLabel('What would this option do?', { exact: true }).fill(
        'Lease two small electric vehicles and run them on the 40 narrowest streets.',
      );
      await press(page, 'Add option', 'option added');
      await expectNotice(page, 'The option has been added.');

      // Its costs and benefits: £48,000 asked for, more than the pot holds.
      await follow(page, `Add a cost or benefit to ${OPTION}`, 'new line');
      const lines = [
        { year: '0', category: 'Capital cost', what: 'Two small electric vehicles', amount: '48,000' },
        { year: '1', category: 'Cashable benefit', what: 'Return trips no longer needed', amount: '30,000' },
        { year: '2', category: 'Cashable benefit', what: 'Return trips no longer needed', amount: '30,000' },
      ];
      for (const line of lines) {
        await main.getByRole('group', { name: 'Which option is it for?' })
          .getByRole('radio', { name: OPTION, exact: true }).check();
        await main.getByLabel('Year', { exact: true }).fill(line.year);
        await main.getByRole('radio', { name: line.category, exact: true }).check();
        await main.getByLabel('What is it?', { exact: true }).fill(line.what);
        await main.getByLabel('Amount', { exact: true }).fill(line.amount);
        await press(page, 'Add', `line added: ${line.category}, year ${line.year}`);
        await expectNotice(page, 'The line has been added.');
      }
      await follow(page, 'Back to the business case', 'business case with lines');

      // The settings: appraisal date, type, funding model and preferred option.
      await follow(page, 'Change the settings', 'business case settings');
      await fillDate(main, 'Appraisal date', 0);
      await main.getByRole('radio', { name: 'Service change or new process', exact: true }).check();
      await main.getByRole('radio', { name: 'The challenge\'s funding pot', exact: true }).check();
      await main.getByRole('group', { name: 'Preferred option' })
        .getByRole('radio', { name: OPTION, exact: true }).check();
      await main.getByLabel('Benefits that cannot be given a money value', { exact: true }).fill(
        'Residents on narrow streets trust that their bins will be collected.',
      );
      await press(page, 'Save', 'business case saved');
      await expectNotice(page, 'The business case has been saved.');
      const stillMissing = await main.locator('#missing li').allInnerTexts();
      assert.deepEqual(stillMissing.map((m) => m.trim()), [
        'the risk of not innovating, with its likelihood and impact',
        'at least one risk in the risk register',
      ]);
      assert.match(await main.locator(`h3:has-text("${OPTION}")`).innerText(), /Preferred/);

      // The risks.
      await follow(page, 'Go to the risk register', 'risk register, empty');
      const statement = main.locator('form[action$="/risks/not-innovating"]');
      await statement.getByLabel('What is the risk of not innovating?', { exact: true }).fill(
        'Complaints keep rising and the same streets keep being missed, at the cost of return trips.',
      );
      await statement.getByRole('group', { name: 'Likelihood' }).getByRole('radio', { name: '4', exact: true }).check();
      await statement.getByRole('group', { name: 'Impact' }).getByRole('radio', { name: '3', exact: true }).check();
      await press(page, 'Save the risk of not innovating', 'risk of not innovating saved');
      await expectNotice(page, 'The risk of not innovating has been saved.');

      const risk = main.locator('form[action$="/risks"]');
      await risk.getByLabel('Description of the risk', { exact: true }).fill(
        'The small vehicles are delivered late, so the pilot starts in winter.',
      );
      await risk.getByRole('group', { name: 'Likelihood' }).getByRole('radio', { name: '2', exact: true }).check();
      await risk.getByRole('group', { name: 'Impact' }).getByRole('radio', { name: '3', exact: true }).check();
      await risk.getByLabel('Owner', { exact: true }).fill('Head of Waste Services');
      await risk.getByRole('radio', { name: 'Treat', exact: true }).check();
      await risk.getByLabel('What will be done about it?', { exact: true }).fill(
        'Order in the spring, with a delivery date in the contract.',
      );
      await press(page, 'Add risk', 'risk added');
      await expectNotice(page, 'The risk has been added to the register.');
      const register = main.locator('table').filter({ has: page.locator('caption', { hasText: 'Risks' }) });
      assert.equal(await register.locator('tbody tr').count(), 1, 'one risk in the register');
      assert.match(await register.locator('tbody tr').innerText(), /Head of Waste Services/);

      await follow(page, 'Back to the business case', 'business case, complete');
      assert.equal(await page.locator('[data-business-case]').getAttribute('data-business-case'), 'complete');
      assert.equal(await main.locator('#missing').count(), 0, 'nothing is missing');
      assert.match(await main.locator('.govuk-panel').innerText(), /This business case is complete/);

      await visit(page, ideaPath, 'idea with a complete business case');
      await moveIdea(page, 'Forward to Decision', 'idea at decision');
      await expectNotice(page, 'The idea has been moved.');
      assert.equal(await stageOf(page), 'Decision');
    });

    await t.test('the panel member declares, scores, sees the aggregate and funds it within the pot', async () => {
      const { page } = panel;
      const main = page.locator('main');
      await visit(page, '/panel', 'panel queue');
      await follow(page, TITLE, 'panel page, undeclared');
      assert.equal(new URL(page.url()).pathname, `${ideaPath}/panel`);
      assert.equal(await summaryValue(main, 'Left in the pot'), '£40,000 of £40,000');

      await main.getByRole('radio', { name: 'No, I have no interest to declare', exact: true }).check();
      await press(page, 'Save declaration', 'declared no interest');
      await expectNotice(page, 'Your declaration has been saved');

      for (const c of CRITERIA) {
        await main.getByRole('group', { name: c.name }).getByRole('radio', { name: c.score, exact: true }).check();
      }
      await main.getByLabel(`Comments on ${CRITERIA[0].name} (optional)`, { exact: true }).fill(
        'Every household on the narrow streets benefits.',
      );
      await press(page, 'Submit scores', 'scores submitted');
      await expectNotice(page, 'Your scores have been submitted');
      const aggregate = main.locator('#panel-summary');
      assert.equal(await summaryValue(aggregate, 'Reviewers counted'), '1');
      // 4 × 60% + 3 × 40% = 3.60
      assert.equal(await summaryValue(aggregate, 'Weighted total, mean (out of 5)'), '3.60');

      // From the idea page's link, as the panel member would come to decide.
      await visit(page, ideaPath, 'idea, panel');
      await follow(page, 'Funding decision', 'funding decision');
      assert.equal(new URL(page.url()).pathname, `${ideaPath}/panel`);
      // One form funds, another declines; both post the decision.
      const decide = main.locator('form#fund-form');
      assert.equal(await decide.count(), 1, 'the funding form is shown');
      assert.equal(await decide.getAttribute('action'), `${ideaPath}/decision`);

      await decide.getByLabel('Amount', { exact: true }).fill('45,000');
      await decide.getByRole('radio', { name: 'The challenge\'s pot', exact: true }).check();
      await press(page, 'Fund the idea', 'decision over the pot', { status: 422 });
      await expectErrorSummary(page, { fields: ['amount'] });
      assert.match(
        await main.locator('.govuk-error-summary').innerText(),
        /Only £40,000 remains in the pot\. Enter £40,000 or less/,
      );
      assert.equal(await summaryValue(main, 'Left in the pot'), '£40,000 of £40,000', 'nothing was allocated');

      await decide.getByLabel('Amount', { exact: true }).fill('30,000');
      await decide.getByRole('radio', { name: 'The challenge\'s pot', exact: true }).check();
      await press(page, 'Fund the idea', 'idea funded');
      await expectNotice(page, 'The decision to fund the idea has been recorded');
      assert.equal(
        await summaryValue(main.locator('#decision-record'), 'Decision'),
        'Funded: £30,000 from the challenge\'s pot',
      );
      assert.equal(await summaryValue(main, 'Left in the pot'), '£10,000 of £40,000');

      await visit(page, challengePath, 'challenge after funding');
      assert.equal(await summaryValue(main, 'Allocated so far'), '£30,000');
      assert.equal(await summaryValue(main, 'Left to allocate'), '£10,000');
    });

    await t.test('the lead pilots it, evaluates it and adopts it', async () => {
      const { page } = lead;
      const main = page.locator('main');
      await visit(page, ideaPath, 'idea, funded');
      await moveIdea(page, 'Forward to Pilot', 'idea at pilot');
      await expectNotice(page, 'The idea has been moved.');
      assert.equal(await stageOf(page), 'Pilot');

      await follow(page, 'Pilot', 'pilot, not set up');
      await follow(page, 'Set up the pilot', 'pilot plan');
      await fillDate(main, 'When does the pilot start?', 0);
      await fillDate(main, 'When does it end?', 120);
      await main.getByLabel('Budget', { exact: true }).fill('30,000');
      await main.getByLabel('Baseline', { exact: true }).fill('1 in 3 collections missed on the 40 narrowest streets.');
      await main.getByLabel('Success measures', { exact: true }).fill('Fewer than 1 in 100 collections missed for three months.');
      await press(page, 'Save the plan', 'pilot set up');
      await expectNotice(page, 'The pilot has been set up');
      assert.equal(await summaryValue(main, 'Status'), 'Running');

      const milestone = main.locator('form[action$="/pilot/milestones"]');
      await milestone.getByLabel('Milestone', { exact: true }).fill('Vehicles delivered');
      await fillDate(milestone, 'Due', 30);
      await press(page, 'Add milestone', 'milestone added');
      await expectNotice(page, 'The milestone has been added');
      const milestones = main.locator('table').filter({ has: page.locator('caption', { hasText: 'Milestones' }) });
      assert.match(await milestones.locator('tbody').innerText(), /Vehicles delivered/);

      await main.getByRole('radio', { name: 'On track', exact: true }).check();
      await main.getByLabel('Update', { exact: true }).fill('Drivers trained; the first round ran with no missed bins.');
      await press(page, 'Post update', 'update posted');
      await expectNotice(page, 'Your update has been posted');
      assert.match(await main.locator('#updates ~ ol').innerText(), /the first round ran with no missed bins/);
      assert.match(await main.locator('#updates ~ ol').innerText(), /On track/);

      await visit(page, ideaPath, 'idea, piloted');
      await moveIdea(page, 'Forward to Evaluation', 'idea at evaluation');
      await expectNotice(page, 'The idea has been moved.');
      assert.equal(await stageOf(page), 'Evaluation');

      await follow(page, 'Evaluation', 'evaluation, not recorded');
      await main.getByLabel('Actual cost', { exact: true }).fill('29,500');
      await main.getByLabel('Cashable savings', { exact: true }).fill('31,000');
      await main.getByLabel('Non-cashable savings', { exact: true }).fill('0');
      await main.getByLabel('Social value', { exact: true }).fill('0');
      await main.getByRole('group', { name: 'How did it end?' })
        .getByRole('radio', { name: 'Adopted', exact: true }).check();
      await main.getByLabel('What did the pilot achieve?', { exact: true }).fill(
        'Missed collections on the pilot streets fell from 1 in 3 to 1 in 150.',
      );
      await main.getByLabel('Lessons', { exact: true }).fill(
        'Talk to residents about parking before the first round, not after it.',
      );
      await main.getByRole('radio', { name: 'Level 2: data shows change', exact: true }).check();
      await main.getByRole('group', { name: 'Does the learning transfer to other services or places?' })
        .getByRole('radio', { name: 'No', exact: true }).check();
      await press(page, 'Record the evaluation', 'evaluation recorded');
      await expectNotice(page, 'The evaluation has been recorded');

      await visit(page, ideaPath, 'idea, evaluated');
      await moveIdea(page, 'Forward to Adopted', 'idea adopted');
      await expectNotice(page, 'The idea has been moved.');
      assert.equal(await stageOf(page), 'Adopted');
      assert.equal(await main.getByRole('button', { name: 'Move idea' }).count(), 0, 'an adopted idea moves no more');
    });

    await t.test('the portfolio shows the pot used and counts the adopted idea', async () => {
      const { page } = lead;
      const main = page.locator('main');
      await visit(page, '/portfolio', 'portfolio');
      assert.deepEqual(
        await tableRow(page, 'Funding allocated from each challenge\'s pot', QUESTION),
        ['£40,000', '£30,000', '£10,000', '75%'],
      );

      await main.getByLabel('Challenge', { exact: true }).selectOption({ label: QUESTION });
      await press(page, 'Apply filters', 'portfolio for the challenge');
      assert.match(await main.innerText(), /1 idea matches these filters\./);
      assert.deepEqual(await tableRow(page, 'Ideas by stage', 'Adopted'), ['1', '100%']);
      assert.deepEqual(
        await tableRow(page, 'Funding allocated from each challenge\'s pot', QUESTION),
        ['£40,000', '£30,000', '£10,000', '75%'],
      );
      assert.match(await main.innerText(), /Ideas with a business case: 1\. Ideas with an evaluation: 1\./);
    });
  } finally {
    await lead.context.close();
    await resident.context.close();
    await panel.context.close();
  }
});
