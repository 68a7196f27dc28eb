// An admin invites someone by email with a role; the invitation link (read
// from the outbox, as the demo has no mail server) lets them set a name and a
// password; they are signed in to the council; the admin sees them with that
// role, and the audit log records it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../lib/server.js';
import {
  account, expectAccessible, expectErrorSummary, launch, navLinks, newContext, open, signIn, signOut, submit,
} from '../lib/browser.js';

const COUNCIL = 'Aske Vale District Council';
const INVITEE = 'rhiannon.price@askevale.example';
const NAME = 'Rhiannon Price';
const PASSWORD = 'Quiet-harbour-lantern-47';

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

/** The rows of the first table in <main>, as arrays of cell texts. */
async function tableRows(page) {
  return page.locator('main table tbody tr').evaluateAll((rows) => rows.map(
    (r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.replace(/\s+/g, ' ').trim()),
  ));
}

/** The messages on the outbox page, as { to, subject, body }. */
async function outbox(page) {
  await open(page, '/admin/outbox');
  return page.locator('main .govuk-summary-card').evaluateAll((cards) => cards.map((card) => {
    const value = (i) => card.querySelectorAll('.govuk-summary-list__value')[i]?.textContent ?? '';
    return {
      subject: card.querySelector('.govuk-summary-card__title').textContent.trim(),
      to: value(0).trim(),
      body: value(2),
    };
  }));
}

test('an admin invites a new manager, who accepts and is signed in to the council', async (t) => {
  const admin = account(server.accounts, COUNCIL, 'admin');
  const adminContext = await newContext(browser, server.url);
  const adminPage = await adminContext.newPage();
  const inviteeContext = await newContext(browser, server.url);
  const invitee = await inviteeContext.newPage();
  try {
    let link;
    let peopleBefore;

    await t.test('the admin sends the invitation from the admin pages', async () => {
      await signIn(adminPage, admin.email, admin.password);
      await open(adminPage, '/admin/people');
      peopleBefore = await tableRows(adminPage);
      assert.ok(!peopleBefore.some((r) => r.includes(INVITEE)), 'not yet a member');
      // Administration → Invite people, following the links a person would.
      await open(adminPage, '/');
      await Promise.all([
        adminPage.waitForURL('**/admin'),
        adminPage.locator('header nav').getByRole('link', { name: 'Administration', exact: true }).click(),
      ]);
      await Promise.all([
        adminPage.waitForURL('**/admin/invitations'),
        adminPage.locator('main a[href="/admin/invitations"]').first().click(),
      ]);
      await adminPage.getByLabel('Email address').fill(INVITEE);
      await adminPage.getByRole('radio', { name: 'Manager', exact: true }).check();
      await submit(adminPage, '/admin/invitations');
      assert.match(new URL(adminPage.url()).pathname, /^\/admin\/invitations$/);
      await expectAccessible(adminPage, 'invitations after sending');
      const banner = adminPage.locator('.govuk-notification-banner--success');
      assert.equal(await banner.count(), 1, 'a success banner says the invitation was sent');
      const sent = await tableRows(adminPage);
      const row = sent.find((r) => r[0] === INVITEE);
      assert.ok(row, `the invitation is listed: ${JSON.stringify(sent)}`);
      assert.equal(row[1], 'Manager');
    });

    await t.test('the invitation email, with its link, is in the outbox', async () => {
      const messages = (await outbox(adminPage)).filter((m) => m.to === INVITEE);
      assert.equal(messages.length, 1, 'one email to the invitee');
      assert.equal(messages[0].subject, `You are invited to join ${COUNCIL} on Beacon`);
      assert.match(messages[0].body, /as Manager/);
      const found = messages[0].body.match(/https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]+/g);
      assert.equal(found?.length, 1, `one invitation link in:\n${messages[0].body}`);
      [link] = found;
      assert.ok(link.startsWith(`${server.url}/invitations/`), `the link ${link} points at the server, ${server.url}`);
    });

    await t.test('a bad answer on the invitation form is refused and changes nothing', async () => {
      assert.equal(await open(invitee, link), 200);
      await expectAccessible(invitee, 'invitation');
      const intro = await invitee.locator('main p.govuk-body').first().innerText();
      assert.ok(intro.includes(COUNCIL) && intro.includes(INVITEE), `the page says who invites whom: ${intro}`);
      const action = new URL(link).pathname;
      await invitee.getByLabel('New password', { exact: true }).fill(PASSWORD);
      await invitee.getByLabel('Confirm new password', { exact: true }).fill(`${PASSWORD}x`);
      assert.equal(await submit(invitee, action), 422);
      await expectErrorSummary(invitee, { fields: ['name', 'confirm_password'] });
      await expectAccessible(invitee, 'invitation with errors');
      assert.deepEqual(await navLinks(invitee), ['Sign in'], 'not signed in');
      // The invitation is still pending and no account exists yet.
      await open(adminPage, '/admin/people');
      assert.deepEqual(await tableRows(adminPage), peopleBefore, 'the people list is unchanged');
      const probe = await (await newContext(browser, server.url)).newPage();
      await open(probe, '/sign-in');
      await probe.locator('input[name="email"]').fill(INVITEE);
      await probe.locator('input[name="password"]').fill(PASSWORD);
      assert.equal(await submit(probe, '/sign-in'), 401, 'no account can sign in yet');
      await probe.context().close();
    });

    await t.test('the invitee sets a name and a password and is signed in to the council', async () => {
      assert.equal(await open(invitee, link), 200, 'the link still works after a refused attempt');
      await invitee.getByLabel('Full name').fill(NAME);
      await invitee.getByLabel('New password', { exact: true }).fill(PASSWORD);
      await invitee.getByLabel('Confirm new password', { exact: true }).fill(PASSWORD);
      await submit(invitee, new URL(link).pathname);
      assert.equal(new URL(invitee.url()).pathname, '/');
      assert.equal((await invitee.locator('.govuk-generic-header__homepage-link').innerText()).trim(), COUNCIL);
      assert.deepEqual(await navLinks(invitee), ['Home', 'Challenges', 'Ideas', 'Sessions', 'Practice exchange', 'Jobs', 'Your profile', 'Your account']);
      assert.equal((await invitee.locator('main h1').innerText()).trim(), `Welcome, ${NAME}`);
      const organisations = await tableRows(invitee);
      assert.deepEqual(organisations.map((r) => [r[0], r[1]]), [[COUNCIL, 'Manager']]);
      await expectAccessible(invitee, 'home after accepting');
    });

    await t.test('the link works only once', async () => {
      const other = await (await newContext(browser, server.url)).newPage();
      assert.equal(await open(other, link), 404);
      await other.context().close();
    });

    await t.test('the new person can sign out and sign in again with their password', async () => {
      await signOut(invitee);
      assert.deepEqual(await navLinks(invitee), ['Sign in']);
      await signIn(invitee, INVITEE, PASSWORD);
      assert.deepEqual(await navLinks(invitee), ['Home', 'Challenges', 'Ideas', 'Sessions', 'Practice exchange', 'Jobs', 'Your profile', 'Your account']);
    });

    let personId;
    await t.test('the admin sees the new person, with the role', async () => {
      await open(adminPage, '/admin/people');
      const rows = await tableRows(adminPage);
      const row = rows.find((r) => r[1] === INVITEE);
      assert.ok(row, 'listed on the people page');
      assert.deepEqual(row, [NAME, INVITEE, 'Manager', 'Active']);
      assert.equal(rows.length, peopleBefore.length + 1);
      const href = await adminPage.locator('main table a', { hasText: NAME }).getAttribute('href');
      personId = href.split('/').pop();
      await open(adminPage, href);
      assert.equal((await adminPage.locator('main h1').innerText()).trim(), NAME);
      assert.deepEqual((await tableRows(adminPage)).map((r) => r[0]), ['Manager']);
      await open(adminPage, '/admin/invitations');
      const invitation = (await tableRows(adminPage)).find((r) => r[0] === INVITEE);
      assert.notEqual(invitation[3], 'Pending', 'the invitation no longer shows as pending');
    });

    await t.test('the audit log lists the invitation and the role grant', async () => {
      await open(adminPage, '/admin/audit?action=invitation.send');
      const sends = (await tableRows(adminPage)).filter((r) => r[3].includes(INVITEE));
      assert.equal(sends.length, 1, 'one invitation.send for the invitee');
      assert.equal(sends[0][2], 'invitation.send');
      assert.equal(sends[0][1], admin.email, 'the admin is the actor');
      await open(adminPage, '/admin/audit?action=role.grant');
      const grants = (await tableRows(adminPage)).filter((r) => r[3].includes(personId));
      assert.equal(grants.length, 1, 'one role.grant for the new person');
      const change = await adminPage.locator('main table tbody tr', { hasText: personId }).locator('.govuk-details__text').textContent();
      assert.match(change, /manager/i, `the grant records the role: ${change}`);
    });
  } finally {
    await adminContext.close();
    await inviteeContext.close();
  }
});
