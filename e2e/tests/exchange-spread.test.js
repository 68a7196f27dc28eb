// Adopting a shared case and following the practice exchange. axe checks the
// following and adoption pages in English and Welsh (and with errors shown);
// everything is done without JavaScript, as the forms must work without it.
// The public Atom feed is served to a signed-out reader.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, newContext, open, signIn, switchLanguage,
} from '../lib/browser.js';

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

/** A fresh browser without JavaScript, signed in as an Aske Vale role. */
async function as(role, fn) {
  const context = await newContext(browser, server.url, { javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    const who = account(server.accounts, ASKE_VALE, role);
    await signIn(page, who.email, who.password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/**
 * axe runs inside the page, which these tests keep without JavaScript: the
 * page's HTML, as it stands, is checked in a second page that has it on.
 */
async function accessible(page, label) {
  const html = await page.content();
  const context = await newContext(browser, server.url);
  try {
    const copy = await context.newPage();
    await copy.goto('/accessibility');
    await copy.setContent(html);
    await expectAccessible(copy, label);
  } finally {
    await context.close();
  }
}

/** Submits the form in <main> posting to `action` that holds `selector`. */
async function submitForm(page, action, selector) {
  const form = page.locator(`main form[action="${action}"]`).filter({ has: page.locator(selector) });
  assert.equal(await form.count(), 1, `one form posting to ${action} with ${selector}`);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    form.locator('button[type="submit"]').last().click(),
  ]);
  return response?.status();
}

/** The public cases of the feed, as [id, link] pairs. */
async function feedCases() {
  const response = await fetch(`${server.url}/exchange/feed.atom`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^application\/atom\+xml/);
  const xml = await response.text();
  return [...xml.matchAll(/<link href="([^"]+\/exchange\/cases\/[0-9a-f-]{36})"/g)].map((m) => new URL(m[1]).pathname);
}

describe('following', () => {
  test('a manager follows a tag, a service area and a council, then stops, without JavaScript', async () => {
    await as('manager', async (page) => {
      assert.equal(await open(page, '/exchange/following'), 200);
      await accessible(page, 'following [en]');
      assert.equal(await page.locator('#nothing-followed').count(), 1);

      // A tag that is too long is refused with an error summary.
      await page.fill('#tag', 'x'.repeat(51));
      assert.equal(await submitForm(page, '/exchange/following', 'input[name="kind"][value="tag"]'), 422);
      await expectErrorSummary(page, { fields: ['tag'], javascript: false });
      await accessible(page, 'following with errors [en]');

      await page.fill('#tag', 'Digital inclusion');
      assert.equal(await submitForm(page, '/exchange/following', 'input[name="kind"][value="tag"]'), 200);
      assert.equal(await page.locator('.govuk-notification-banner--success').count(), 1);
      await page.selectOption('#area', 'housing');
      assert.equal(await submitForm(page, '/exchange/following', 'input[name="kind"][value="area"]'), 200);
      await page.selectOption('#council', { label: 'Northmere Borough Council' });
      assert.equal(await submitForm(page, '/exchange/following', 'input[name="kind"][value="council"]'), 200);
      const rows = await page.locator('#followed tbody tr').allInnerTexts();
      assert.equal(rows.length, 3, rows.join(' | '));
      assert.ok(rows.some((r) => r.includes('digital inclusion')));
      assert.ok(rows.some((r) => r.includes('Northmere Borough Council')));

      await page.check('input[name="frequency"][value="daily"]');
      assert.equal(await submitForm(page, '/exchange/following', 'input[name="frequency"]'), 200);
      assert.ok(await page.locator('input[name="frequency"][value="daily"]').isChecked());

      await switchLanguage(page, 'cy');
      await accessible(page, 'following [cy]');
      await page.fill('#tag', 'x'.repeat(51));
      assert.equal(await submitForm(page, '/exchange/following', 'input[name="kind"][value="tag"]'), 422);
      await expectErrorSummary(page, { fields: ['tag'], lang: 'cy', javascript: false });
      await accessible(page, 'following with errors [cy]');

      // One "stop following" form a row: stop each in turn.
      for (let left = 3; left > 0; left -= 1) {
        const forms = page.locator('main form[action="/exchange/following/remove"]');
        assert.equal(await forms.count(), left);
        const [response] = await Promise.all([
          page.waitForNavigation(),
          forms.first().locator('button[type="submit"]').click(),
        ]);
        assert.equal(response?.status(), 200);
      }
      assert.equal(await page.locator('#nothing-followed').count(), 1);
    });
  });
});

describe('adoption', () => {
  test('a member adopts a public case into their pipeline, without JavaScript', async (t) => {
    const cases = await feedCases();
    if (cases.length === 0) {
      t.skip('the demo has no public case to adopt');
      return;
    }
    await as('staff', async (page) => {
      let adopted = false;
      for (const path of cases) {
        assert.equal(await open(page, `${path}/adopt`), 200);
        if (await page.locator(`main form[action="${path}/adopt"]`).count() === 0) continue;
        await accessible(page, 'adopt [en]');
        await page.selectOption('#service_area', '');
        const [bad] = await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
        assert.equal(bad.status(), 422);
        await expectErrorSummary(page, { fields: ['service_area'], javascript: false });
        await switchLanguage(page, 'cy');
        await accessible(page, 'adopt with errors [cy]');
        await page.selectOption('#service_area', 'housing');
        const [done] = await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
        assert.equal(done.status(), 200);
        assert.match(new URL(page.url()).pathname, /^\/ideas\/[0-9a-f-]{36}$/);
        assert.equal(await page.locator(`main a[href="${path}"]`).count(), 1, 'the idea links to its case');
        await accessible(page, 'adopted idea [cy]');
        // Adopting again is refused clearly.
        assert.equal(await open(page, `${path}/adopt`), 200);
        assert.equal(await page.locator(`main form[action="${path}/adopt"]`).count(), 0);
        await accessible(page, 'already adopted [cy]');
        adopted = true;
        break;
      }
      assert.ok(adopted, 'some public case could be adopted');
    });
  });
});
