// Facilitated sessions and guidance in the browser: every page passes axe in
// English and Welsh (errors included), and the journey of a session: the
// facilitator starts it and opens a round, a staff member adds a way from
// another browser, the facilitator promotes the way to an idea.
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

async function signedIn(role, options = {}) {
  const context = await newContext(browser, server.url, options);
  const page = await context.newPage();
  const who = account(server.accounts, NORTHMERE, role);
  await signIn(page, who.email, who.password);
  return { context, page, who };
}

async function check(page, lang, label, path, status = 200) {
  if (path !== null) {
    assert.equal(await open(page, path), status, `${label}: HTTP status of ${path}`);
  }
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${label} is in ${lang}`);
  await expectAccessible(page, `${label} [${lang}]`);
}

/** The address of the session whose link has this text on the sessions page. */
async function sessionHref(page, title) {
  await open(page, '/sessions');
  const href = await page.locator('main table a', { hasText: title }).first().getAttribute('href');
  assert.ok(href?.startsWith('/sessions/'), `a link to "${title}"`);
  return href;
}

describe('accessibility', () => {
  for (const lang of LANGS) {
    test(`sessions pages, ${lang}`, async (t) => {
      const { context, page } = await signedIn('innovation_lead');
      try {
        await open(page, '/sessions');
        if (lang === 'cy') await switchLanguage(page, 'cy');
        const past = await sessionHref(page, 'Fewer missed bin collections');
        const running = await sessionHref(page, 'How we work together');
        await t.test('the list', () => check(page, lang, 'sessions', '/sessions'));
        await t.test('a past session', () => check(page, lang, 'past session', past));
        await t.test('a running session, with its controls', async () => {
          await check(page, lang, 'running session', running);
          assert.equal(await page.locator(`main form[action="${running}/rounds"]`).count(), 1);
          assert.equal(await page.locator(`main form[action="${running}/ways"]`).count(), 1);
        });
        await t.test('promoting a way', () => check(page, lang, 'promote', `${past}/promote`));
        await t.test('promoting with nothing chosen', async () => {
          await open(page, `${running}/promote`);
          assert.equal(await submit(page, `${running}/promote`), 422);
          await expectErrorSummary(page, {
            fields: ['way', 'title', 'problem', 'proposal', 'service_area', 'kind', 'facet', 'lever'],
            lang,
          });
          await check(page, lang, 'promote with errors', null);
        });
        await t.test('a round refused', async () => {
          await open(page, running);
          await page.locator('input[name="minutes"]').fill('90');
          assert.equal(await submit(page, `${running}/rounds`), 422);
          await expectErrorSummary(page, { fields: ['minutes'], lang });
          await check(page, lang, 'round with errors', null);
        });
        await t.test('an empty way', async () => {
          await open(page, running);
          assert.equal(await submit(page, `${running}/ways`), 422);
          await expectErrorSummary(page, { fields: ['way'], lang });
          await check(page, lang, 'way with errors', null);
        });
        await t.test('starting a session', () => check(page, lang, 'new session', '/sessions/new'));
        await t.test('starting a session with nothing filled in', async () => {
          await open(page, '/sessions/new');
          assert.equal(await submit(page, '/sessions/new'), 422);
          await expectErrorSummary(page, { fields: ['template', 'title', 'question'], lang });
          await check(page, lang, 'new session with errors', null);
        });
      } finally {
        await context.close();
      }
    });

    test(`guidance, ${lang}`, async (t) => {
      const { context, page } = await signedIn('resident');
      try {
        await open(page, '/guidance');
        if (lang === 'cy') await switchLanguage(page, 'cy');
        await t.test('the index', () => check(page, lang, 'guidance', '/guidance'));
        const topics = await page.locator('main a.govuk-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.equal(topics.length, 7);
        for (const href of topics) {
          await t.test(href, () => check(page, lang, href, href));
        }
        await t.test('an unknown topic', () => check(page, lang, 'unknown topic', '/guidance/no-such-topic', 404));
      } finally {
        await context.close();
      }
    });
  }
});

test('a facilitator opens a round, a staff member adds a way, the facilitator promotes it', async (t) => {
  const lead = await signedIn('innovation_lead');
  const staff = await signedIn('staff');
  const way = 'Let tenants book a repair slot online';
  let session;
  try {
    await t.test('the facilitator starts a session', async () => {
      const { page } = lead;
      await open(page, '/sessions');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/sessions/new'),
        page.getByRole('button', { name: 'Start a session' }).click(),
      ]);
      await page.getByRole('radio', { name: 'Possibility thinking', exact: true }).check();
      await page.getByLabel('Title', { exact: true }).fill('Repairs, spring workshop');
      await page.getByLabel('Question', { exact: true }).fill('How might we cut the time families wait for a housing repair?');
      assert.equal(await submit(page, '/sessions/new'), 200);
      session = new URL(page.url()).pathname;
      assert.match(session, /^\/sessions\/[0-9a-f-]{36}$/);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /session has been created/);
    });

    await t.test('the staff member waits for the first round', async () => {
      await open(staff.page, session);
      assert.match(await staff.page.locator('main').innerText(), /has not opened the first round/);
      assert.equal(await staff.page.locator(`form[action="${session}/ways"]`).count(), 0);
      assert.equal(await staff.page.locator(`form[action="${session}/rounds"]`).count(), 0, 'no controls for staff');
    });

    await t.test('the facilitator opens round 1', async () => {
      const { page } = lead;
      await page.locator('input[name="minutes"]').fill('10');
      assert.equal(await submit(page, `${session}/rounds`), 200);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /round is open/);
      assert.match(await page.locator('#time-left').innerText(), /10 minutes left/);
    });

    await t.test('the staff member adds a way', async () => {
      const { page } = staff;
      await open(page, session);
      await page.getByRole('textbox', { name: 'Ten ways…' }).fill(way);
      assert.equal(await submit(page, `${session}/ways`), 200);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /way has been added/);
      const listed = await page.locator('main ol li').allInnerTexts();
      assert.ok(listed.some((l) => l.includes(way) && l.includes('(yours)')), listed.join(' | '));
      await expectAccessible(page, 'session after adding a way');
    });

    await t.test('the facilitator sees who wrote it and promotes it', async () => {
      const { page } = lead;
      await open(page, session);
      const item = page.locator('main ol li', { hasText: way });
      assert.match(await item.innerText(), /–\s+\S+/, 'the facilitator sees the author');
      await item.getByRole('link', { name: /Promote to an idea/ }).click();
      await page.waitForURL((u) => u.pathname === `${session}/promote`);
      assert.ok(await page.getByRole('radio', { name: way }).isChecked(), 'the way is chosen');
      assert.equal(await page.getByLabel('Title of the idea').inputValue(), way);
      await page.getByLabel('Service area').fill('Housing');
      await page.getByRole('radio', { name: 'Incremental', exact: true }).check();
      await page.getByRole('radio', { name: 'Enhancement-oriented', exact: true }).check();
      await page.getByRole('radio', { name: 'New insight', exact: true }).check();
      await expectAccessible(page, 'promote form filled in');
      assert.equal(await submit(page, `${session}/promote`), 200);
      assert.equal(new URL(page.url()).pathname, session);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /promoted to an idea/);
      const promoted = page.locator('main ol li', { hasText: way });
      const href = await promoted.getByRole('link', { name: /View the idea/ }).getAttribute('href');
      assert.match(href, /^\/ideas\/[0-9a-f-]{36}$/);
      assert.equal(await promoted.getByRole('link', { name: /Promote to an idea/ }).count(), 0, 'promoted once');
    });

    await t.test('the staff member sees their way became an idea', async () => {
      const { page } = staff;
      await open(page, session);
      const promoted = page.locator('main ol li', { hasText: way });
      assert.match(await promoted.innerText(), /Idea/);
      await expectAccessible(page, 'session with a promoted way');
    });

    await t.test('the facilitator closes the session', async () => {
      const { page } = lead;
      assert.equal(await submit(page, `${session}/close`), 200);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /session has been closed/);
      await open(staff.page, session);
      assert.equal(await staff.page.locator(`form[action="${session}/ways"]`).count(), 0);
      assert.match(await staff.page.locator('main').innerText(), /This session has closed/);
    });
  } finally {
    await lead.context.close();
    await staff.context.close();
  }
});

test('without JavaScript a staff member joins a session and adds a way', async () => {
  const { context, page } = await signedIn('staff', { javaScriptEnabled: false });
  try {
    const running = await sessionHref(page, 'How we work together');
    await open(page, running);
    await page.getByRole('textbox', { name: 'What should we keep?' }).fill('Time to think on Friday afternoons');
    assert.equal(await submit(page, `${running}/ways`), 200);
    assert.match(await page.locator('main').innerText(), /Time to think on Friday afternoons/);
  } finally {
    await context.close();
  }
});
