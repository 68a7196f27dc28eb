// A council's admin pages are its own: another council's admin is refused a
// person of this council (as if the page did not exist), a staff member is
// refused the admin pages, and nobody signed out gets in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import { account, expectAccessible, launch, newContext, open, signIn, submit } from '../lib/browser.js';

const COUNCILS = ['Northmere Borough Council', 'Aske Vale District Council', 'Eastbrook City Council'];

let server;
let browser;
const admins = new Map(); // council → { page, context }
const staffIds = new Map(); // council → person id of its staff member

before(async () => {
  server = await startDemo();
  browser = await launch();
  for (const council of COUNCILS) {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    const who = account(server.accounts, council, 'admin');
    await signIn(page, who.email, who.password);
    admins.set(council, { page, context });
    const staff = account(server.accounts, council, 'staff');
    await open(page, '/admin/people');
    const href = await page.locator('main table tr', { hasText: staff.email }).locator('a').getAttribute('href');
    assert.match(href, /^\/admin\/people\/[0-9a-f-]{36}$/);
    staffIds.set(council, href.split('/').pop());
  }
});

after(async () => {
  for (const { context } of admins.values()) await context.close();
  await browser?.close();
  await server?.stop();
});

test("each council's people list holds only its own people", async () => {
  for (const council of COUNCILS) {
    const { page } = admins.get(council);
    await open(page, '/admin/people');
    const emails = await page.locator('main table tbody tr td:nth-child(2)').allInnerTexts();
    const own = server.accounts.filter((a) => a.council === council).map((a) => a.email);
    for (const other of server.accounts.filter((a) => a.council !== council)) {
      assert.ok(!emails.includes(other.email), `${council} lists ${other.email} of ${other.council}`);
    }
    for (const email of own) assert.ok(emails.includes(email), `${council} lists its own ${email}`);
  }
});

test("an admin opening another council's person gets the 404 page", async (t) => {
  for (const owner of COUNCILS) {
    for (const visitor of COUNCILS.filter((c) => c !== owner)) {
      await t.test(`${visitor} → a person of ${owner}`, async () => {
        const { page } = admins.get(visitor);
        const id = staffIds.get(owner);
        assert.equal(await open(page, `/admin/people/${id}`), 404);
        assert.equal((await page.locator('main h1').innerText()).trim(), 'Page not found');
        const main = await page.locator('main').innerText();
        const staff = account(server.accounts, owner, 'staff');
        assert.ok(!main.includes(staff.email), 'nothing of the person is shown');
        await expectAccessible(page, '404 for another council');
        // Their own person page still opens.
        assert.equal(await open(page, `/admin/people/${staffIds.get(visitor)}`), 200);
      });
    }
  }
});

test("a tampered form cannot grant a role to another council's person", async () => {
  const owner = COUNCILS[0];
  const visitor = COUNCILS[1];
  const ownerPage = admins.get(owner).page;
  const target = staffIds.get(owner);
  await open(ownerPage, `/admin/people/${target}`);
  const rolesBefore = await ownerPage.locator('main table').innerText();
  const grants = async () => {
    await open(ownerPage, '/admin/audit?action=role.grant');
    return ownerPage.locator('main table tbody tr', { hasText: target }).count();
  };
  const grantsBefore = await grants();
  assert.ok(grantsBefore >= 1, 'the demo granted the staff role, and the log shows it');

  const { page } = admins.get(visitor);
  await open(page, `/admin/people/${staffIds.get(visitor)}`);
  // The visitor's own, valid form (with its CSRF token), pointed at the other council's person.
  const action = `/admin/people/${staffIds.get(visitor)}/roles`;
  await page.locator('main select[name="role"]').selectOption('manager');
  await page.locator(`main form[action="${action}"]`).evaluate((form, id) => {
    form.setAttribute('action', `/admin/people/${id}/roles`);
  }, target);
  assert.equal(await submit(page, `/admin/people/${target}/roles`), 404);

  await open(ownerPage, `/admin/people/${target}`);
  assert.equal(await ownerPage.locator('main table').innerText(), rolesBefore, 'the roles are unchanged');
  assert.equal(await grants(), grantsBefore, 'no role grant was logged for the person');
});

test('a staff member gets the 403 page on every admin page, and no admin link', async () => {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    const staff = account(server.accounts, COUNCILS[0], 'staff');
    await signIn(page, staff.email, staff.password);
    for (const path of ['/admin', '/admin/people', `/admin/people/${staffIds.get(COUNCILS[0])}`, '/admin/invitations', '/admin/audit', '/admin/outbox', '/sector', '/sector/organisations/new']) {
      assert.equal(await open(page, path), 403, `${path} is refused`);
      assert.equal((await page.locator('main h1').innerText()).trim(), 'You do not have permission to see this page');
      assert.equal(await page.locator('header a[href="/admin"]').count(), 0, 'no link to /admin');
    }
    await expectAccessible(page, '403 page');
  } finally {
    await context.close();
  }
});

test('an admin is refused the sector pages', async () => {
  const { page } = admins.get(COUNCILS[2]);
  assert.equal(await open(page, '/sector'), 403);
  assert.equal(await open(page, '/sector/partnerships/new'), 403);
});

test('signed out, admin pages ask to sign in and then return to the page', async () => {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    const person = `/admin/people/${staffIds.get(COUNCILS[0])}`;
    for (const path of ['/admin', person, '/sector']) {
      await open(page, path);
      const url = new URL(page.url());
      assert.equal(url.pathname, '/sign-in', `${path} leads to sign-in`);
      assert.equal(url.searchParams.get('next'), path, `sign-in remembers ${path}`);
    }
    await open(page, person);
    const admin = account(server.accounts, COUNCILS[0], 'admin');
    await page.getByLabel('Email address').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await submit(page, '/sign-in');
    assert.equal(new URL(page.url()).pathname, person, 'back on the page asked for');
    assert.equal(await page.locator('main h1').count(), 1);
  } finally {
    await context.close();
  }
});
