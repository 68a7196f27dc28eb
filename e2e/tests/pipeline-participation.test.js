// Supports, comments, moderation, notifications and the residents' join
// page: axe on every page this part serves, in English and Welsh, forms with
// errors, and the journey of a member of staff who supports and comments on
// an idea.
//
// The idea pages themselves belong to the ideas part. Where they are not
// served (or the demo has no ideas yet), the steps that need them are skipped
// and say so; everything this part serves on its own is always checked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, submit, switchLanguage,
} from '../lib/browser.js';

const NORTHMERE = 'Northmere Borough Council';
const LANGS = ['en', 'cy'];

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

async function withPage(fn, { as = null, lang = 'en' } = {}) {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    if (as) {
      const who = account(server.accounts, NORTHMERE, as);
      await signIn(page, who.email, who.password);
    }
    if (lang === 'cy') {
      await open(page, '/');
      await switchLanguage(page, 'cy');
    }
    return await fn(page);
  } finally {
    await context.close();
  }
}

async function check(page, lang, label, path, status = 200) {
  if (path !== null) {
    assert.equal(await open(page, path), status, `${label}: HTTP status of ${path}`);
  }
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${label} is in ${lang}`);
  await expectAccessible(page, `${label} [${lang}]`);
}

/** The first idea a member can open from the ideas list, or null when none is served. */
async function firstIdea(page) {
  const status = await open(page, '/ideas');
  if (status !== 200) return null;
  const links = await page.locator('main a[href^="/ideas/"]').evaluateAll((as) => as
    .map((a) => a.getAttribute('href'))
    .filter((h) => /^\/ideas\/[0-9a-f-]{36}$/.test(h)));
  return links[0] ?? null;
}

describe('pages, in English and Welsh', () => {
  for (const lang of LANGS) {
    test(`moderation, ${lang}`, () => withPage(async (page) => {
      await check(page, lang, 'moderation', '/moderation');
      assert.equal(await page.locator('main h1').count(), 1);
    }, { as: 'innovation_lead', lang }));

    test(`moderation is not for staff, ${lang}`, () => withPage(async (page) => {
      assert.equal(await open(page, '/moderation'), 403);
      await check(page, lang, 'moderation refused', null);
    }, { as: 'staff', lang }));

    test(`notifications, ${lang}`, () => withPage(async (page) => {
      await check(page, lang, 'notifications', '/notifications');
    }, { as: 'staff', lang }));

    test(`join page, ${lang}`, () => withPage(async (page) => {
      await check(page, lang, 'join', '/join/northmere');
      await check(page, lang, 'join for an unknown council', '/join/nowhere', 404);
    }, { lang }));
  }
});

describe('forms with errors', () => {
  for (const lang of LANGS) {
    test(`asking to take part with nothing filled in, ${lang}`, (t) => withPage(async (page) => {
      await open(page, '/join/northmere');
      if (await page.locator('main form[action="/join/northmere"]').count() === 0) {
        t.skip('Northmere has no challenge open to the public in this demo');
        return;
      }
      assert.equal(await submit(page, '/join/northmere'), 422);
      await expectErrorSummary(page, { fields: ['name', 'email'], lang });
      await check(page, lang, 'join with errors', null);
    }, { lang }));

    test(`hiding a reported item without a reason, ${lang}`, (t) => withPage(async (page) => {
      await open(page, '/moderation');
      const form = page.locator('main form[action^="/moderation/"][action$="/hide"]').first();
      if (await form.count() === 0) {
        t.skip('nothing is reported in this demo (it needs the ideas part\'s demo ideas)');
        return;
      }
      const action = await form.getAttribute('action');
      const id = action.split('/')[2];
      assert.equal(await submit(page, action), 422);
      await expectErrorSummary(page, { fields: [`hide-reason-${id}`], lang });
      await check(page, lang, 'moderation with errors', null);
    }, { as: 'innovation_lead', lang }));
  }
});

describe('taking part', () => {
  test('a resident asks to take part and gets the same answer as anyone', (t) => withPage(async (page) => {
    await open(page, '/join/northmere');
    if (await page.locator('main form[action="/join/northmere"]').count() === 0) {
      t.skip('Northmere has no challenge open to the public in this demo');
      return;
    }
    await page.getByLabel('Full name').fill('Ann Jones');
    await page.getByLabel('Email address').fill('ann.jones@example.org');
    assert.equal(await submit(page, '/join/northmere'), 200);
    assert.match(new URL(page.url()).search, /notice=join_requested/);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Check your email/);
    await expectAccessible(page, 'join, request sent');
  }));

  test('staff support an idea and comment on it', (t) => withPage(async (page) => {
    const href = await firstIdea(page);
    if (!href) {
      t.skip('the ideas pages or the demo ideas are not served on this branch yet');
      return;
    }
    assert.equal(await open(page, href), 200);
    const panel = page.locator('#participation');
    assert.equal(await panel.count(), 1, 'the idea page shows supports and comments');
    const supportForm = `${href}/support`;
    if (await page.locator(`main form[action="${href}/support/withdraw"]`).count() > 0) {
      assert.equal(await submit(page, `${href}/support/withdraw`), 200);
    }
    const before = await page.locator('#support-count').innerText();
    assert.equal(await submit(page, supportForm), 200);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /You support this idea/);
    assert.notEqual(await page.locator('#support-count').innerText(), before, 'the count changed');
    assert.equal(await page.locator(`main form[action="${href}/support/withdraw"]`).count(), 1);
    await expectAccessible(page, 'idea page after supporting');

    // A comment with nothing in it is refused, with the error linked to the box.
    assert.equal(await submit(page, `${href}/comments`), 422);
    await expectErrorSummary(page, { fields: ['comment-body'] });
    await expectAccessible(page, 'comment with errors');
    const text = `Could this start in the spring? <b>not bold</b> ${Date.now()}`;
    await page.locator('#comment-body').fill(text);
    assert.equal(await submit(page, `${href}/comments`), 200);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Your comment has been posted/);
    assert.ok(await panel.getByText(text).count() > 0, 'the comment shows, as text');
    assert.equal(await panel.locator('b', { hasText: 'not bold' }).count(), 0, 'markup in a comment stays text');
  }, { as: 'staff' }));

  test('the report page and its errors', (t) => withPage(async (page) => {
    const href = await firstIdea(page);
    if (!href) {
      t.skip('the ideas pages or the demo ideas are not served on this branch yet');
      return;
    }
    await check(page, 'en', 'report an idea', `${href}/report`);
    assert.equal(await submit(page, `${href}/report`), 422);
    await expectErrorSummary(page, { fields: ['reason'] });
    await check(page, 'en', 'report with errors', null);
  }, { as: 'resident' }));

  test('the merge page and its errors', (t) => withPage(async (page) => {
    const href = await firstIdea(page);
    if (!href) {
      t.skip('the ideas pages or the demo ideas are not served on this branch yet');
      return;
    }
    await check(page, 'en', 'merge', `${href}/merge`);
    if (await page.locator('main input[name="into"]').count() === 0) {
      t.skip('no other idea to merge into in this demo');
      return;
    }
    assert.equal(await submit(page, `${href}/merge`), 422);
    await expectErrorSummary(page, { fields: ['into', 'reason'] });
    await check(page, 'en', 'merge with errors', null);
  }, { as: 'innovation_lead' }));
});
