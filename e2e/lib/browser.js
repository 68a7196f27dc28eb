// Debian's Chromium through playwright-core, and the checks every test shares.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A fresh context (its own cookies) on the demo server. */
export async function newContext(browser, baseURL, options = {}) {
  const context = await browser.newContext({ baseURL, ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

/** Opens a path and returns the HTTP status of the main document. */
export async function open(page, path) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  return response.status();
}

/** Signs in through the form, as a person would, and waits for the next page. */
export async function signIn(page, email, password, next) {
  await open(page, next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in');
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/sign-in')),
    page.locator('main form[action="/sign-in"] button[type="submit"]').click(),
  ]);
}

/** Signs out with the button in the header. */
export async function signOut(page) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.locator('header form[action="/sign-out"] button').click(),
  ]);
  assert.equal(response?.status(), 200, 'signing out lands on a page');
}

/** Runs axe with the WCAG 2.2 AA rules and fails with a readable list. */
export async function expectAccessible(page, label) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const problems = results.violations.map((v) => {
    const nodes = v.nodes.map((n) => `      ${n.target.join(' ')}: ${n.failureSummary?.split('\n').join(' ')}`).join('\n');
    return `  ${v.id} (${v.impact}): ${v.help}\n${nodes}`;
  });
  assert.equal(
    results.violations.length,
    0,
    `${label} (${page.url()}) has accessibility violations:\n${problems.join('\n')}`,
  );
  // axe must really have looked at the page: it reports the rules that passed.
  assert.ok(results.passes.length > 0, `${label}: axe checked nothing`);
}

/** The visible texts of the service navigation links, in order. */
export async function navLinks(page) {
  return (await page.locator('header .govuk-service-navigation__list a.govuk-service-navigation__link').allInnerTexts())
    .map((t) => t.trim());
}

export function account(accounts, council, role) {
  const a = accounts.find((x) => x.role === role && (council === null || x.council === council));
  assert.ok(a, `no demo account for ${role} in ${council}`);
  return a;
}

export const ERROR_PREFIX = { en: 'Error:', cy: 'Gwall:' };

/**
 * Checks a page that refused a form: the title starts with the error prefix,
 * the GOV.UK error summary lists exactly the fields expected (in page order),
 * each summary link says what the field's own error message says, and
 * following a link puts the keyboard focus in that field.
 *
 * @param {import('playwright-core').Page} page
 * @param {{ fields: string[], lang?: 'en' | 'cy', javascript?: boolean }} expected
 *   fields are the ids the summary must link to
 */
export async function expectErrorSummary(page, { fields, lang = 'en', javascript = true }) {
  await expectErrorMessagePrefix(page, lang);
  const title = await page.title();
  assert.ok(title.startsWith(`${ERROR_PREFIX[lang]} `), `title "${title}" should start with "${ERROR_PREFIX[lang]}"`);
  const summary = page.locator('.govuk-error-summary');
  assert.equal(await summary.count(), 1, 'one error summary');
  assert.ok(await summary.isVisible(), 'the error summary is visible');
  if (javascript) {
    // govuk-frontend moves focus to the summary so a screen reader announces it.
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'));
  }
  // The summary comes before the page's heading, as the design system asks.
  const before = await page.evaluate(() => {
    const s = document.querySelector('.govuk-error-summary');
    const h = document.querySelector('main h1');
    return Boolean(s && h && (s.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING));
  });
  assert.ok(before, 'the error summary comes before the h1');
  const links = summary.locator('.govuk-error-summary__list a');
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, fields.map((f) => `#${f}`), 'error summary links');
  for (let i = 0; i < hrefs.length; i += 1) {
    const id = fields[i];
    const link = links.nth(i);
    const text = (await link.innerText()).trim();
    assert.ok(text.length > 0, `the summary link to #${id} has text`);
    const field = page.locator(`[id="${id}"]`);
    assert.equal(await field.count(), 1, `exactly one field with id ${id}`);
    const tag = await field.evaluate((el) => el.tagName.toLowerCase());
    assert.ok(['input', 'select', 'textarea'].includes(tag), `#${id} is a form field, not a ${tag}`);
    // The field says the same thing next to it, and is described by it.
    const group = page.locator('.govuk-form-group--error').filter({ has: field });
    assert.equal(await group.count(), 1, `#${id} sits in a form group marked as in error`);
    const message = group.locator('.govuk-error-message');
    assert.equal(await message.count(), 1, `#${id} has one error message`);
    const shown = await message.evaluate((el) => {
      const copy = el.cloneNode(true);
      copy.querySelectorAll('.govuk-visually-hidden').forEach((h) => h.remove());
      return copy.textContent.replace(/\s+/g, ' ').trim();
    });
    assert.equal(shown, text, `the message next to #${id} says what the summary says`);
    // Radios and checkboxes are described through their fieldset.
    const described = await field.evaluate((el) => {
      const own = el.getAttribute('aria-describedby') || '';
      const fieldset = el.closest('fieldset');
      return `${own} ${fieldset?.getAttribute('aria-describedby') || ''}`.trim().split(/\s+/);
    });
    const messageId = await message.getAttribute('id');
    assert.ok(messageId && described.includes(messageId),
      `#${id} (or its fieldset) is described by its error message #${messageId}; aria-describedby: ${described.join(' ')}`);
    await link.click();
    await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5_000 })
      .catch(async () => {
        const got = await page.evaluate(() => document.activeElement?.outerHTML?.slice(0, 120));
        assert.fail(`following the summary link to #${id} should focus the field; focus is on ${got}`);
      });
  }
}

/** Switches language with the link in the header, as a person would. */
export async function switchLanguage(page, lang) {
  const name = lang === 'cy' ? 'Cymraeg' : 'English';
  const link = page.locator('nav.govuk-language-navigation a', { hasText: name });
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('lang') === lang),
    link.click(),
  ]);
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `the page is in ${name}`);
}

/** Submits the form in <main> whose action is `action`, and waits for the answer. */
export async function submit(page, action) {
  const form = page.locator(`main form[action="${action}"]`);
  assert.equal(await form.count(), 1, `one form posting to ${action}`);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    form.locator('button[type="submit"]').last().click(),
  ]);
  return response?.status();
}

/**
 * Each error message next to a field starts with a visually hidden prefix
 * ("Error:" / "Gwall:") so that a screen reader announces it as an error, in
 * the page's own language.
 */
export async function expectErrorMessagePrefix(page, lang) {
  const prefixes = await page.locator('main .govuk-error-message .govuk-visually-hidden').allTextContents();
  assert.ok(prefixes.length > 0, 'the page has error messages');
  for (const p of prefixes) {
    assert.equal(p.trim(), ERROR_PREFIX[lang], 'the visually hidden prefix of an error message');
  }
}
