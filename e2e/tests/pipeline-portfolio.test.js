// The portfolio in the browser: axe in English and Welsh (errors included)
// for each role that sees it, the CSV download, and everything working
// without JavaScript.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

async function signedIn(role, options = {}) {
  const context = await newContext(browser, server.url, options);
  const page = await context.newPage();
  const who = account(server.accounts, NORTHMERE, role);
  await signIn(page, who.email, who.password);
  return { context, page };
}

describe('accessibility', () => {
  for (const lang of ['en', 'cy']) {
    for (const role of ['innovation_lead', 'councillor']) {
      test(`the portfolio as ${role}, ${lang}`, async () => {
        const { context, page } = await signedIn(role);
        try {
          assert.equal(await open(page, '/portfolio'), 200);
          if (lang === 'cy') await switchLanguage(page, 'cy');
          assert.equal(await page.locator('html').getAttribute('lang'), lang);
          await expectAccessible(page, `portfolio as ${role} [${lang}]`);
          // Every chart is a named image with a captioned table beside it.
          const charts = page.locator('main svg[role="img"]');
          assert.ok(await charts.count() >= 1, 'at least the balance chart');
          for (const chart of await charts.all()) {
            const ids = (await chart.getAttribute('aria-labelledby')).split(' ');
            for (const id of ids) {
              assert.ok((await page.locator(`[id="${id}"]`).textContent()).trim().length > 0, `#${id} names the chart`);
            }
            const row = chart.locator('xpath=ancestor::div[contains(@class, "govuk-grid-row")][1]');
            assert.equal(await row.locator('table caption').count(), 1, 'a captioned table beside the chart');
          }
          if (role === 'innovation_lead') {
            await page.locator('input[name="radical_percent"]').fill('150');
            assert.equal(await submit(page, '/portfolio/target'), 422);
            await expectErrorSummary(page, { fields: ['radical_percent'], lang });
            await expectAccessible(page, `portfolio with a refused target [${lang}]`);
          }
          // A filter the page cannot honour is explained, accessibly.
          assert.equal(await open(page, '/portfolio?year=1999'), 422);
          await expectAccessible(page, `portfolio with a refused filter [${lang}]`);
        } finally {
          await context.close();
        }
      });
    }
  }
});

test('the ideas download as CSV, protected against formulas', async () => {
  const { context, page } = await signedIn('councillor');
  try {
    await open(page, '/portfolio');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Download these ideas/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^portfolio-northmere-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
    const lines = text.split('\r\n').filter((l) => l.length > 0);
    assert.ok(lines[0].startsWith('Idea id,Title,Stage,Service area,Kind,Type of innovation,Lever,Challenge'), lines[0]);
    assert.ok(lines.length >= 2, 'the demo has ideas');
    // The promoted way from the demo's past session is among them.
    assert.ok(text.includes('Report a missed bin online, straight to the crew'));
    for (const line of lines.slice(1)) {
      assert.ok(!/(^|,)[=+@]/.test(line), `no cell starts a formula: ${line}`);
    }
    // The download is not cached.
    const response = await page.request.get('/portfolio.csv');
    assert.equal(response.status(), 200);
    assert.match(response.headers()['cache-control'], /no-store/);
    assert.match(response.headers()['content-disposition'], /^attachment; filename="portfolio-northmere-/);
  } finally {
    await context.close();
  }
});

test('without JavaScript the innovation lead filters, sets the target and downloads', async (t) => {
  const { context, page } = await signedIn('innovation_lead', { javaScriptEnabled: false });
  try {
    await t.test('JavaScript really is off', async () => {
      await open(page, '/portfolio');
      const cls = await page.locator('body').getAttribute('class');
      assert.ok(!/govuk-frontend-supported|js-enabled/.test(cls), `body class is "${cls}"`);
    });
    await t.test('filters by year', async () => {
      const years = await page.locator('select[name="year"] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      assert.ok(years.length >= 1, 'the years with ideas are offered');
      await page.locator('select[name="year"]').selectOption(years[0]);
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('year') === years[0]),
        page.getByRole('button', { name: 'Apply filters' }).click(),
      ]);
      assert.match(await page.locator('main').innerText(), /(idea matches|ideas match) these filters/);
      const href = await page.getByRole('link', { name: /Download these ideas/ }).getAttribute('href');
      assert.equal(href, `/portfolio.csv?year=${years[0]}`);
    });
    await t.test('sets the target', async () => {
      await open(page, '/portfolio');
      await page.locator('input[name="radical_percent"]').fill('40');
      assert.equal(await submit(page, '/portfolio/target'), 200);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /has been saved/);
      assert.equal(await page.locator('input[name="radical_percent"]').inputValue(), '40');
      assert.match(await page.locator('main .govuk-inset-text').first().innerText(), /40%|no ideas/i);
    });
    await t.test('a bad target shows the error summary', async () => {
      await page.locator('input[name="radical_percent"]').fill('abc');
      assert.equal(await submit(page, '/portfolio/target'), 422);
      await expectErrorSummary(page, { fields: ['radical_percent'], javascript: false });
    });
  } finally {
    await context.close();
  }
});
