#!/usr/bin/env node
// The viewer's login in headless Chromium (Debian's package, driven by playwright-core)
// against a running server whose store has a user and a token: the viewer sends the
// visitor to the login page, a wrong password is refused, the right one leads back to the
// page asked for; the reader sees and acks a status, logs out, and the viewer then refuses
// to work (back to the login page, the API answers 401).
//
// Environment:
//   ROOST_URL       the server's base URL (required); its timeline "home" must be served
//   ROOST_USER      a user of the store, with read and write (required)
//   ROOST_PASSWORD  that user's password (required)
//   ROOST_TOKEN     a token with write and read, to post the test's status (required)
//   CHROMIUM        the browser (default /usr/bin/chromium)
// Prints "N passed, N failed" and exits non-zero on any failure.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const base = (process.env.ROOST_URL || '').replace(/\/+$/, '');
const user = process.env.ROOST_USER || '';
const password = process.env.ROOST_PASSWORD || '';
const token = process.env.ROOST_TOKEN || '';
if (!base || !user || !password || !token) {
  console.error('ROOST_URL, ROOST_USER, ROOST_PASSWORD and ROOST_TOKEN must be set');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeout = 10000;

let passed = 0;
let failed = 0;

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log('  ok    ' + name);
  } else {
    failed++;
    console.log('  FAIL  ' + name + (detail !== undefined ? ': ' + detail : ''));
  }
}

async function api(method, url, body) {
  const response = await fetch(base + url, {
    method,
    headers: Object.assign({ Authorization: 'Bearer ' + token },
      body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok || json.error !== null) throw new Error(`${method} ${url}: ${response.status} ${json.error}`);
  return json;
}

async function main() {
  const id = 'login-test ' + Date.now().toString(36);
  await api('POST', '/timelines/home/ack.json', {});
  await api('POST', '/timelines/home/statuses.json', { id, text: 'A status to read after login.' });

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1000, height: 900 },
  });
  context.setDefaultTimeout(timeout);
  const problems = [];
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));

    await page.goto(base + '/timelines/home/', { waitUntil: 'load' });
    check('the viewer sends a visitor to the login page', new URL(page.url()).pathname === '/login', page.url());

    await page.fill('#login-user', user);
    await page.fill('#login-password', 'not the password');
    await page.click('#login-button');
    await page.waitForLoadState('load');
    check('a wrong password is refused on the login page',
      (await page.locator('#login-error').textContent()).includes('Wrong user name or password'));

    await page.fill('#login-password', password);
    await Promise.all([page.waitForURL(base + '/timelines/home/'), page.click('#login-button')]);
    check('the right password leads back to the page asked for', true);
    const cookies = await context.cookies(base);
    const session = cookies.find((c) => c.name === 'roost_session');
    check('the session cookie is HttpOnly and SameSite=Strict',
      session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(session));

    const status = page.locator(`#statuses > li.status[data-id="${id}"]`);
    await status.waitFor({ timeout });
    check('the timeline shows its status after login', true);
    check('the bar shows who is logged in', (await page.locator('#user-name').textContent()) === user);

    await page.click('#ack-button');
    await page.waitForFunction(() => document.querySelectorAll('#statuses > li.status.unacked').length === 0,
      null, { timeout });
    const counts = (await api('GET', '/timelines/home/updates/unacked_counts.json')).unacked_counts;
    check('an ack through the viewer is stored', counts.total === 0, JSON.stringify(counts));

    await Promise.all([page.waitForURL(base + '/login'), page.click('#logout-button')]);
    check('logout lands on the login page', true);
    const after = await context.cookies(base);
    check('logout clears the cookie', !after.some((c) => c.name === 'roost_session'));

    await page.goto(base + '/timelines/home/', { waitUntil: 'load' });
    check('after logout the viewer sends the reader to log in again', new URL(page.url()).pathname === '/login',
      page.url());
    const answer = await page.evaluate(async () => (await fetch('/timelines/home/statuses.json')).status);
    check('after logout the API refuses the browser', answer === 401, answer);
    check('the pages logged no errors', problems.length === 0, problems.join(' | '));
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(() => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}, (e) => {
  console.error(e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
