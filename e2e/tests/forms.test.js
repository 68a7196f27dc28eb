// Bad input on every form gets a GOV.UK error summary whose links focus the
// fields, a title that starts with "Error:" ("Gwall:" in Welsh), the answers
// kept, and nothing changed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectErrorMessagePrefix, expectErrorSummary, launch, navLinks, newContext, open, signIn, signOut,
  submit, switchLanguage,
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

async function withPage(fn) {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  try {
    return await fn(page);
  } finally {
    await context.close();
  }
}

async function mainTables(page) {
  return page.locator('main table').evaluateAll((tables) => tables.map((t) => t.innerText));
}

/** What an admin can see of the organisation's state: people, invitations, outbox. */
async function adminState(page) {
  const state = {};
  for (const path of ['/admin/people', '/admin/invitations']) {
    await open(page, path);
    state[path] = await mainTables(page);
  }
  await open(page, '/admin/outbox');
  state.outbox = await page.locator('main').innerText();
  return state;
}

describe('sign-in', () => {
  test('missing email and password', () => withPage(async (page) => {
    await open(page, '/sign-in');
    assert.equal(await submit(page, '/sign-in'), 422);
    await expectErrorSummary(page, { fields: ['email', 'password'] });
    assert.deepEqual(await navLinks(page), ['Sign in'], 'still signed out');
  }));

  test('an email address that is not one keeps what was typed', () => withPage(async (page) => {
    await open(page, '/sign-in');
    await page.getByLabel('Email address').fill('staff at northmere');
    await page.getByLabel('Password').fill('whatever');
    assert.equal(await submit(page, '/sign-in'), 422);
    await expectErrorSummary(page, { fields: ['email'] });
    assert.equal(await page.getByLabel('Email address').inputValue(), 'staff at northmere');
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'a password is never sent back');
  }));

  test('a wrong password does not sign in', () => withPage(async (page) => {
    const staff = account(server.accounts, NORTHMERE, 'staff');
    await open(page, '/sign-in');
    await page.getByLabel('Email address').fill(staff.email);
    await page.getByLabel('Password').fill(`${staff.password}-wrong`);
    assert.equal(await submit(page, '/sign-in'), 401);
    await expectErrorSummary(page, { fields: ['email'] });
    assert.deepEqual(await navLinks(page), ['Sign in'], 'still signed out');
    assert.equal(await open(page, '/account'), 200);
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'the account page asks to sign in');
  }));

  test('in Welsh, the title starts with "Gwall:"', () => withPage(async (page) => {
    await open(page, '/sign-in');
    await switchLanguage(page, 'cy');
    assert.equal(await submit(page, '/sign-in'), 422);
    await expectErrorSummary(page, { fields: ['email', 'password'], lang: 'cy' });
    assert.equal(
      (await page.locator('.govuk-error-summary__title').innerText()).trim(),
      'Mae problem wedi codi',
    );
  }));

  test('Welsh error messages announce "Gwall:" to screen readers', () => withPage(async (page) => {
    await open(page, '/sign-in');
    await switchLanguage(page, 'cy');
    await submit(page, '/sign-in');
    await expectErrorMessagePrefix(page, 'cy');
  }));
});

test('password reset request without an email address', () => withPage(async (page) => {
  await open(page, '/password-reset');
  await submit(page, '/password-reset');
  await expectErrorSummary(page, { fields: ['email'] });
}));

describe('change password', () => {
  const who = () => account(server.accounts, NORTHMERE, 'manager');
  const NEW = 'Harbour-lantern-quiet-82';

  async function attempt(page, current, next, confirm) {
    await open(page, '/account/password');
    await page.getByLabel('Current password').fill(current);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Confirm new password').fill(confirm);
    return submit(page, '/account/password');
  }

  test('a wrong current password, a short one, a mismatch: refused, and the old password still works', () => withPage(async (page) => {
    const me = who();
    await signIn(page, me.email, me.password);
    assert.equal(await attempt(page, `${me.password}-not`, NEW, NEW), 422);
    await expectErrorSummary(page, { fields: ['current_password'] });
    assert.equal(await attempt(page, me.password, 'short', 'short'), 422);
    await expectErrorSummary(page, { fields: ['new_password'] });
    assert.equal(await attempt(page, me.password, NEW, `${NEW}!`), 422);
    await expectErrorSummary(page, { fields: ['confirm_password'] });
    assert.equal(await page.getByLabel('Current password').inputValue(), '', 'passwords are never sent back');
    // Nothing changed: still signed in, and the old password signs in again.
    assert.deepEqual(await navLinks(page), ['Home', 'Challenges', 'Ideas', 'Sessions', 'Practice exchange', 'Jobs', 'Your profile', 'Your account']);
    await signOut(page);
    await signIn(page, me.email, me.password);
    assert.deepEqual(await navLinks(page), ['Home', 'Challenges', 'Ideas', 'Sessions', 'Practice exchange', 'Jobs', 'Your profile', 'Your account']);
  }));
});

describe('admin', () => {
  const admin = () => account(server.accounts, NORTHMERE, 'admin');

  test('an invitation without email or role is refused and nothing is sent', () => withPage(async (page) => {
    await signIn(page, admin().email, admin().password);
    const before = await adminState(page);
    await open(page, '/admin/invitations');
    assert.equal(await submit(page, '/admin/invitations'), 422);
    await expectErrorSummary(page, { fields: ['email', 'role'] });
    await page.getByLabel('Email address').fill('someone@@northmere');
    await page.getByRole('radio', { name: 'Staff', exact: true }).check();
    assert.equal(await submit(page, '/admin/invitations'), 422);
    await expectErrorSummary(page, { fields: ['email'] });
    assert.equal(await page.getByLabel('Email address').inputValue(), 'someone@@northmere', 'the email is kept');
    assert.ok(await page.getByRole('radio', { name: 'Staff', exact: true }).isChecked(), 'the role is kept');
    await open(page, '/admin/invitations');
    await page.getByLabel('Email address').fill('new.starter@northmere.example');
    assert.equal(await submit(page, '/admin/invitations'), 422);
    await expectErrorSummary(page, { fields: ['role'] });
    assert.deepEqual(await adminState(page), before, 'people, invitations and outbox are unchanged');
  }));

  test('adding a role without choosing one is refused and the roles are unchanged', () => withPage(async (page) => {
    await signIn(page, admin().email, admin().password);
    await open(page, '/admin/people');
    const href = await page.locator('main table tr', { hasText: 'hr@northmere.example' }).locator('a').getAttribute('href');
    await open(page, href);
    const roles = await mainTables(page);
    assert.equal(await submit(page, `${href}/roles`), 422);
    await expectErrorSummary(page, { fields: ['role'] });
    await open(page, href);
    assert.deepEqual(await mainTables(page), roles);
  }));

  test('an audit filter with impossible dates is refused', () => withPage(async (page) => {
    await signIn(page, admin().email, admin().password);
    await open(page, '/admin/audit');
    await page.getByLabel('From').fill('2026-02-30');
    await page.getByLabel('Until').fill('yesterday');
    await Promise.all([page.waitForNavigation(), page.locator('main form[action="/admin/audit"] button').click()]);
    await expectErrorSummary(page, { fields: ['from', 'until'] });
    assert.equal(await page.getByLabel('From').inputValue(), '2026-02-30', 'the filter is kept');
    assert.equal(await open(page, '/admin/audit?action=no.such.action'), 422);
    await expectErrorSummary(page, { fields: ['action'] });
  }));
});

describe('sector admin', () => {
  const sector = () => account(server.accounts, null, 'sector_admin');

  async function overview(page) {
    await open(page, '/sector');
    return mainTables(page);
  }

  test('a new organisation with missing, bad or taken answers is refused and none is added', () => withPage(async (page) => {
    await signIn(page, sector().email, sector().password);
    const before = await overview(page);
    await open(page, '/sector/organisations/new');
    assert.equal(await submit(page, '/sector/organisations'), 422);
    await expectErrorSummary(page, { fields: ['name', 'kind', 'admin_email'] });
    await page.getByLabel('Name', { exact: true }).fill('Westholm Council');
    await page.getByLabel('Short name').fill('Not A Slug!');
    await page.getByRole('radio').first().check();
    await page.getByLabel('Email address of its first administrator').fill('not-an-email');
    assert.equal(await submit(page, '/sector/organisations'), 422);
    await expectErrorSummary(page, { fields: ['slug', 'admin_email'] });
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Westholm Council', 'the name is kept');
    await page.getByLabel('Short name').fill('northmere');
    await page.getByLabel('Email address of its first administrator').fill('admin@westholm.example');
    assert.equal(await submit(page, '/sector/organisations'), 422);
    await expectErrorSummary(page, { fields: ['slug'] });
    assert.deepEqual(await overview(page), before, 'no organisation was added');
  }));

  test('a new partnership without a name or enough members is refused and none is added', () => withPage(async (page) => {
    await signIn(page, sector().email, sector().password);
    const before = await overview(page);
    await open(page, '/sector/partnerships/new');
    assert.equal(await submit(page, '/sector/partnerships'), 422);
    await expectErrorSummary(page, { fields: ['name', 'members'] });
    await page.getByLabel('Name', { exact: true }).fill('Northern Shared HR');
    await page.getByRole('checkbox', { name: NORTHMERE }).check();
    assert.equal(await submit(page, '/sector/partnerships'), 422);
    await expectErrorSummary(page, { fields: ['members'] });
    assert.ok(await page.getByRole('checkbox', { name: NORTHMERE }).isChecked(), 'the choice is kept');
    assert.deepEqual(await overview(page), before, 'no partnership was added');
  }));
});
