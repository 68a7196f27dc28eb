// What axe cannot see: the keyboard route into a page, and reflow at 320 CSS
// pixels wide (WCAG 2.1.1, 2.4.1, 1.4.10).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import { account, launch, newContext, open, signIn } from '../lib/browser.js';

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

test('the first Tab shows the skip link, and it takes the keyboard to the main content', async () => {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    await open(page, '/sign-in');
    await page.keyboard.press('Tab');
    const skip = page.locator('a.govuk-skip-link');
    assert.equal(await page.evaluate(() => document.activeElement?.className), await skip.getAttribute('class'));
    assert.ok(await skip.isVisible(), 'the skip link is visible when focused');
    assert.equal((await skip.innerText()).trim(), 'Skip to main content');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main-content');
    // The next Tab goes into the page's own content, not back to the header.
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => Boolean(document.activeElement?.closest('main')));
    assert.ok(inMain, 'Tab after the skip link lands inside <main>');
  } finally {
    await context.close();
  }
});

test('signing in with the keyboard alone', async () => {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    const who = account(server.accounts, 'Eastbrook City Council', 'panel');
    await open(page, '/sign-in');
    await page.locator('#email').focus();
    await page.keyboard.type(who.email);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
    await page.keyboard.type(who.password);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, '/');
    // Sign out with the keyboard: Tab until the header's sign-out button has focus.
    await page.locator('a.govuk-skip-link').focus();
    let found = false;
    for (let i = 0; i < 15 && !found; i += 1) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement?.closest('form')?.getAttribute('action') === '/sign-out');
    }
    assert.ok(found, 'the sign-out button is reachable with Tab from the top of the page');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('header form[action="/sign-out"]').count(), 0, 'signed out');
  } finally {
    await context.close();
  }
});

test('pages reflow at 320 CSS pixels without scrolling sideways', async (t) => {
  const context = await newContext(browser, server.url, { viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  // WCAG 1.4.10 excepts content that needs two dimensions, such as data
  // tables; everything else must fit the window.
  const noSideways = async (label) => {
    const wide = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return [...document.body.querySelectorAll('*')]
        .filter((el) => !el.closest('table') && el.getClientRects().length > 0)
        .filter((el) => el.getBoundingClientRect().right > width + 0.5)
        .filter((el) => getComputedStyle(el).visibility !== 'hidden' && !el.classList.contains('govuk-skip-link'))
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ends at ${Math.round(el.getBoundingClientRect().right)}px`);
    });
    assert.deepEqual(wide, [], `${label}: outside data tables, nothing may extend past the 320px window`);
    const table = await page.locator('main table').count();
    if (table === 0) {
      const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= client, `${label}: page is ${scroll}px wide in a ${client}px window`);
    }
  };
  try {
    for (const path of ['/', '/sign-in', '/password-reset', '/accessibility', '/privacy', '/cookies', '/no-such-page']) {
      await t.test(`signed out ${path}`, async () => {
        await open(page, path);
        await noSideways(path);
      });
    }
    const admin = account(server.accounts, 'Northmere Borough Council', 'admin');
    await signIn(page, admin.email, admin.password);
    for (const path of ['/', '/account', '/account/password', '/admin', '/admin/invitations', '/admin/people']) {
      await t.test(`signed in ${path}`, async () => {
        await open(page, path);
        await noSideways(path);
      });
    }
  } finally {
    await context.close();
  }
});
