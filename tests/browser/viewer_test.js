#!/usr/bin/env node
// The viewer in headless Chromium (Debian's package, driven by playwright-core) against a
// running roost server: posts statuses through the API, checks the timeline page shows
// them as statuses.html renders them (inserted as they are, times in the configured zone,
// hidden by level, paged), announces a new one live, moves with j/k, acks with the key
// and the button and sees the counts drop, in the title and on the timeline list. Saves
// screenshots. How a status is rendered is tested once, in tests/web/render_test.cpp.
//
// Environment:
//   ROOST_URL           the server's base URL (required), e.g. http://127.0.0.1:5000
//   ROOST_SCREENSHOT    where to save the screenshot (default screenshots/timeline.png);
//                       beside it, "-phone" (390 px wide), "-acked" (after the first ack)
//                       and "-readme" (a few everyday statuses: docs/images/viewer.png)
//   ROOST_TIMELINE      the timeline to use (default "home"); it must be served and not hidden
//   ROOST_ODD_TIMELINE  optional: a served timeline with an awkward name to check as well
//   CHROMIUM            the browser (default /usr/bin/chromium)
//
// The test acks every status of the timelines it uses before it starts.
// Prints "N passed, N failed" and exits non-zero on any failure.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const base = (process.env.ROOST_URL || '').replace(/\/+$/, '');
if (!base) {
  console.error('ROOST_URL is not set (the base URL of a running roost server)');
  process.exit(2);
}
const timeline = process.env.ROOST_TIMELINE || 'home';
const oddTimeline = process.env.ROOST_ODD_TIMELINE || '';
const screenshot = path.resolve(process.env.ROOST_SCREENSHOT || path.join(__dirname, 'screenshots', 'timeline.png'));
const phoneScreenshot = screenshot.replace(/(\.png)?$/i, '-phone.png');
const ackedScreenshot = screenshot.replace(/(\.png)?$/i, '-acked.png');
const readmeScreenshot = screenshot.replace(/(\.png)?$/i, '-readme.png');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeout = 10000;

// ---------------------------------------------------------------- a small harness

let passed = 0;
let failed = 0;
let skipped = 0;

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log('  ok    ' + name);
  } else {
    failed++;
    console.log('  FAIL  ' + name + (detail !== undefined ? ': ' + detail : ''));
  }
}

function skip(name, why) {
  skipped++;
  console.log('  skip  ' + name + ' (' + why + ')');
}

// A promise that a failing check may leave unawaited must not end the run.
function quiet(promise) {
  promise.catch(() => {});
  return promise;
}

async function step(name, body) {
  console.log(name);
  try {
    await body();
  } catch (e) {
    failed++;
    console.log('  FAIL  ' + name + ': ' + (e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e));
  }
}

// ---------------------------------------------------------------- the API, from Node

function tlPath(name) {
  return base + '/timelines/' + encodeURIComponent(name);
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok || json.error !== null) throw new Error(`${method} ${url}: ${response.status} ${json.error}`);
  return json;
}

async function unackedCounts(name) {
  return (await api('GET', tlPath(name) + '/updates/unacked_counts.json')).unacked_counts;
}

// The WCAG contrast ratio of an element's text against the first background behind it,
// from their computed colours.
async function contrastOf(page, selector) {
  return page.evaluate((sel) => {
    const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const node = document.querySelector(sel);
    if (!node) return null;
    let back = node;
    let bg = parse(getComputedStyle(back).backgroundColor);
    while ((bg.length === 4 && bg[3] === 0) && back.parentElement) {
      back = back.parentElement;
      bg = parse(getComputedStyle(back).backgroundColor);
    }
    const a = luminance(parse(getComputedStyle(node).color));
    const b = luminance(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }, selector);
}

function atOrAbove(counts, threshold) {
  let n = 0;
  for (const [k, v] of Object.entries(counts)) if (k !== 'total' && Number(k) >= threshold) n += v;
  return n;
}

// ---------------------------------------------------------------- test data

const run = Date.now().toString(36);
const avatar = base + '/static/avatar.svg';  // an http(s) image that exists offline
const picture = base + '/static/roost.svg';
const missingAvatar = base + '/static/no-such-avatar.png';  // 404: the viewer hides it
const missingPicture = base + '/static/no-such-picture.png';  // 404: the viewer links it
const fillerCount = 22;

// Created one minute apart, oldest first, all before the specials below.
function at(minutesAgo) {
  return new Date(Date.now() - minutesAgo * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const fillers = Array.from({ length: fillerCount }, (_, i) => ({
  id: `${run}/filler ${i}`,
  created_at: at(600 - i),
  text: `Filler status number ${i} of this run.`,
  user: { name: 'Filler bot', screen_name: 'filler', profile_image_url: i === fillerCount - 1 ? missingAvatar : avatar },
}));

const hostileText = `<script>window.__pwned = 1</script><b>bold?</b> & "quotes" 'single' <img src=x onerror="window.__pwned=2">`;
const emojiText = '🐦🎉 Roost ships https://t.co/xyz #roost @alice';
const specials = [
  {
    id: `${run}/acked & done`,
    created_at: at(20),
    text: 'An acked status, read long ago.',
    user: { name: 'Archivist', screen_name: 'archive', profile_image_url: avatar },
    busybird: { acked_at: 'Thu May 16 12:56:23 +0000 2013' },
  },
  {
    id: `${run}/low level`,
    created_at: at(15),
    text: 'A status at level -1, hidden at the default threshold.',
    user: { name: 'Noise', screen_name: 'noise' },
    busybird: { level: -1 },
  },
  {
    id: `${run}/javascript`,
    created_at: at(12),
    text: 'click me for a prize',
    user: { name: 'Mallory', screen_name: 'mallory', profile_image_url: 'javascript:alert(1)' },
    entities: { urls: [{ indices: [0, 5], url: 'javascript:alert(1)', expanded_url: 'javascript:alert(1)', display_url: 'javascript:alert(1)' }] },
    busybird: { status_permalink: 'javascript:alert(2)', user_permalink: 'data:text/html,<script>alert(3)</script>' },
  },
  {
    id: `${run}/repost`,
    created_at: at(10),
    text: 'RT @orig: The original words.',
    user: { name: 'Reposter', screen_name: 'reposter', profile_image_url: avatar },
    retweeted_status: {
      id: 'inner-1',
      created_at: 'Thu, 16 May 2013 12:56:23 +0000',
      text: 'The original words.',
      user: { name: 'Original Author', screen_name: 'orig', profile_image_url: avatar },
      busybird: { status_permalink: 'https://example.com/orig/1' },
    },
  },
  {
    id: `${run}/media`,
    created_at: at(8),
    text: 'A picture https://t.co/pic',
    user: { name: 'Photographer', screen_name: 'photo', profile_image_url: avatar },
    entities: { media: [{ indices: [10, 26], url: 'https://t.co/pic', display_url: 'pic.example/1', expanded_url: 'https://example.com/pic/1', media_url_https: picture }] },
    busybird: { level: 2, status_permalink: 'https://example.com/pic/1' },
  },
  {
    id: `${run}/emoji`,
    created_at: at(5),
    text: emojiText,
    user: { name: 'Alice 🐦', screen_name: 'alice', profile_image_url: avatar },
    entities: {
      urls: [{ indices: [15, 31], url: 'https://t.co/xyz', expanded_url: 'https://example.com/roost', display_url: 'example.com/roost' }],
      hashtags: [{ indices: [32, 38], text: 'roost' }],
      user_mentions: [{ indices: [39, 45], screen_name: 'alice' }],
    },
    busybird: { status_permalink: 'https://example.com/alice/1', user_permalink: 'https://example.com/alice' },
  },
  {
    id: `${run}/hostile "id" <&>`,
    created_at: at(2),
    text: hostileText,
    user: { name: '<img src=x onerror=alert(1)>Eve', screen_name: 'eve"><b>', profile_image_url: avatar },
    busybird: { status_permalink: 'https://example.com/eve?a=1&b="2"' },
  },
];

// ---------------------------------------------------------------- page helpers

async function title(page) {
  return page.title();
}

function titleCount(text) {
  const m = /^\((\d+)\) /.exec(text);
  return m ? Number(m[1]) : 0;
}

async function waitForTitleCount(page, n) {
  await page.waitForFunction((n) => {
    const m = /^\((\d+)\) /.exec(document.title);
    return (m ? Number(m[1]) : 0) === n;
  }, n, { timeout });
}

function statusSelector(id) {
  return `li.status[data-id="${id.replace(/["\\]/g, '\\$&')}"]`;
}

// Elements, sorted attributes and text, with the page's own state and the times' text
// (the page shows them in its zone) left out, so that what the page shows and what
// statuses.html answers can be compared.
function normalizeInPage(root) {
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return JSON.stringify(node.data);
    if (node.nodeType !== Node.ELEMENT_NODE) return '';
    if (node.classList.contains('media-fallback')) return '';  // the page's own, after a failed image
    const attributes = Array.from(node.attributes)
      .filter((a) => !['tabindex', 'hidden', 'aria-current'].includes(a.name) &&
        !(node.localName === 'time' && ['title', 'aria-label'].includes(a.name)))
      .map((a) => {
        let value = a.value;
        if (a.name === 'class') value = value.split(/\s+/).filter((c) => c && c !== 'current' && c !== 'broken').join(' ');
        return a.name + '=' + JSON.stringify(value);
      })
      .sort();
    const children = node.localName === 'time' ? '' : Array.from(node.childNodes).map(walk).join('');
    return '<' + node.localName + ' ' + attributes.join(' ') + '>' + children + '</' + node.localName + '>';
  };
  return walk(root);
}

// ---------------------------------------------------------------- the test

async function main() {
  if (!fs.existsSync(executablePath)) {
    console.error(`no browser at ${executablePath} (apt-get install chromium)`);
    process.exit(2);
  }
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1000, height: 1100 },
    locale: 'en-US',
  });
  context.setDefaultTimeout(timeout);
  const problems = [];
  const watch = (page, label) => {
    page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
    page.on('console', (m) => {
      // The missing avatar is missing on purpose.
      if (m.type() === 'error' && m.location().url !== missingAvatar && m.location().url !== missingPicture) problems.push(`${label}: console error: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      problems.push(`${label}: a dialog opened: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
  };

  try {
    await step('prepare the timeline through the API', async () => {
      await api('POST', tlPath(timeline) + '/ack.json', {});
      check('every status acked first', (await unackedCounts(timeline)).total === 0);
      const added = await api('POST', tlPath(timeline) + '/statuses.json', fillers.concat(specials));
      check('statuses posted', added.count === fillers.length + specials.length, JSON.stringify(added));
    });
    const expected = await unackedCounts(timeline);
    let pageSize = 20;

    const listPage = context.pages()[0] || (await context.newPage());
    watch(listPage, 'list');
    await step('the timeline list shows unacked counts', async () => {
      const response = await listPage.goto(base + '/', { waitUntil: 'load' });
      check('GET / answers 200', response.status() === 200, response.status());
      const csp = response.headers()['content-security-policy'] || '';
      check('the page has a Content-Security-Policy without inline script', /script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), csp);
      const entry = listPage.locator('li.timeline-entry', { has: listPage.locator('.timeline-name', { hasText: timeline }) }).first();
      await entry.locator(`.timeline-count[data-count="${expected.total}"]`).waitFor({ timeout });
      check('the list shows the timeline\'s unacked count', true);
      check('the list title carries the count', /^\(\d+\) Roost$/.test(await title(listPage)), await title(listPage));
      const href = await entry.locator('a.timeline-link').getAttribute('href');
      check('the timeline link is percent-encoded', href === '/timelines/' + encodeURIComponent(timeline) + '/', href);
    });

    const page = await context.newPage();
    watch(page, 'timeline');
    const pageRequests = [];
    page.on('request', (r) => pageRequests.push(new URL(r.url()).pathname));
    await step('the timeline page shows the newest statuses', async () => {
      const response = await page.goto(tlPath(timeline) + '/', { waitUntil: 'load' });
      check('GET /timelines/NAME/ answers 200', response.status() === 200, response.status());
      await page.locator('#statuses > li.status').first().waitFor({ timeout });
      pageSize = await page.evaluate(() => JSON.parse(document.getElementById('roost-config').textContent).page_size || 20);
      await waitForTitleCount(page, atOrAbove(expected, 0));
      check('the title counts unacked statuses at level >= 0', true);
      check('the title names the timeline', (await title(page)).includes(timeline), await title(page));
      const shown = await page.locator('#statuses > li.status').count();
      check(`one page (${pageSize}) of statuses is shown`, shown === pageSize, shown);
      check('the newest status is first', (await page.locator('#statuses > li.status').first().getAttribute('data-id')) === specials[specials.length - 1].id);
    });

    await step('the page shows what statuses.html answers', async () => {
      check('the page asked for statuses.html', pageRequests.some((p) => p.endsWith('/statuses.html')), pageRequests.join(' '));
      check('and never for statuses.json', !pageRequests.some((p) => p.endsWith('/statuses.json')), pageRequests.join(' '));
      const result = await page.evaluate(async ({ url, count }) => {
        const response = await fetch(url + '/statuses.html?count=' + count);
        const template = document.createElement('template');
        template.innerHTML = await response.text();
        return { status: response.status, html: Array.from(template.content.children).map((li) => [li.getAttribute('data-id'), li.outerHTML]) };
      }, { url: '/timelines/' + encodeURIComponent(timeline), count: pageSize });
      check('statuses.html answers 200', result.status === 200, result.status);
      const shownIds = await page.locator('#statuses > li.status').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id')));
      check('the same statuses in the same order', JSON.stringify(shownIds) === JSON.stringify(result.html.map(([id]) => id)), shownIds.join(' | '));
      let same = 0;
      const differences = [];
      for (const [id, html] of result.html) {
        const pair = await page.evaluate(([id, html, normalize]) => {
          const fn = new Function('return ' + normalize)();
          const shown = Array.from(document.querySelectorAll('#statuses > li.status')).find((li) => li.getAttribute('data-id') === id);
          const template = document.createElement('template');
          template.innerHTML = html;
          return [shown ? fn(shown) : null, fn(template.content.firstElementChild)];
        }, [id, html, normalizeInPage.toString()]);
        if (pair[0] === pair[1]) same++;
        else differences.push(id + '\n    page:   ' + pair[0] + '\n    server: ' + pair[1]);
      }
      check(`each is inserted as the server rendered it (${same}/${result.html.length})`, differences.length === 0 && same === pageSize, differences.slice(0, 2).join('\n  '));
      // The page holds pageSize unacked statuses; the level filter hides the one at -1.
      const shown = await page.locator('#statuses > li.status.unacked:not([hidden])').count();
      check('the ack button counts the unacked ones shown', shown === pageSize - 1 && (await page.locator('#ack-button').textContent()) === `Ack ${shown} shown`, await page.locator('#ack-button').textContent());
      const li = page.locator(statusSelector(specials[6].id));
      check('a hostile status is shown as text', (await li.locator('.status-text').textContent()) === hostileText && (await li.locator('.status-text *').count()) === 0);
      check('no script from a status ran', (await page.evaluate(() => window.__pwned)) === undefined);
      const bad = await page.evaluate(() => Array.from(document.querySelectorAll('a[href], img[src]'))
        .map((e) => e.getAttribute('href') || e.getAttribute('src'))
        .filter((u) => !/^(https?:\/\/|\/)/i.test(u)));
      check('no link or image on the page has another scheme', bad.length === 0, JSON.stringify(bad));
    });

    await step('images load, and one that fails is hidden', async () => {
      const mediaSelector = statusSelector(specials[4].id) + ' img.status-media-image';
      await page.waitForFunction((sel) => { const img = document.querySelector(sel); return img !== null && img.complete; }, mediaSelector, { timeout });
      check('the media image loaded', await page.locator(mediaSelector).evaluate((img) => img.naturalWidth > 0));
      const missingSelector = statusSelector(fillers[fillerCount - 1].id) + ' img.status-avatar-image';
      await page.waitForFunction((sel) => { const img = document.querySelector(sel); return img !== null && img.classList.contains('broken'); }, missingSelector, { timeout });
      check('an avatar that does not load is marked broken and not shown', await page.locator(missingSelector).evaluate((img) => getComputedStyle(img).visibility === 'hidden'));
      check('no other image is', (await page.locator('img.broken').count()) === 1);
    });

    await step('times are shown in the configured zone', async () => {
      const zone = await page.evaluate(() => JSON.parse(document.getElementById('roost-config').textContent).time_zone);
      check('the page names the zone', (await page.locator('#time-zone').textContent()) === `Times in ${zone}.`, await page.locator('#time-zone').textContent());
      const time = page.locator(statusSelector(specials[3].id) + ' time.status-time');
      const datetime = await time.getAttribute('datetime');
      check('the server gave the instant', datetime === '2013-05-16T12:56:23Z', datetime);
      // The hour of that instant in the zone, 24- or 12-hour, whichever the locale prints.
      const hour = Number(new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(new Date(datetime)));
      const shown = await time.textContent();
      const pattern = new RegExp(`\\b0?(${hour}|${(hour + 11) % 12 + 1}):56:23\\b`);
      check(`created_at is shown in ${zone}, not as given`, shown !== 'Thu, 16 May 2013 12:56:23 +0000' && pattern.test(shown) && /2013/.test(shown), shown);
      check('the full time is its title', (await time.getAttribute('title')) === shown);
      // A repost says which time is which: when it was reposted, when the original was posted.
      const repost = page.locator(statusSelector(specials[3].id));
      check('a repost shows when it was reposted', /ago/.test(await repost.locator('.status-repost time.status-repost-time').textContent()));
      check('and that the footer\'s time is the original\'s', /^posted /.test(await repost.locator('.status-permalink').textContent()), await repost.locator('.status-permalink').textContent());
      // A status of a minute ago says so, with the full time on hover.
      const recent = page.locator(statusSelector(fillers[fillerCount - 1].id) + ' time.status-time');
      const recentText = await recent.textContent();
      const recentTitle = await recent.getAttribute('title');
      check('a recent time is relative', /\bago\b|\bnow\b/.test(recentText), recentText);
      check('with the full time in its title', /\b20\d\d\b/.test(recentTitle) && recentTitle !== recentText, recentTitle);
      // The current status (j, Tab) shows its times in full, and gives them back after.
      await page.locator(statusSelector(fillers[fillerCount - 1].id)).click({ position: { x: 300, y: 10 } });
      check('the current status shows the full time', (await recent.textContent()) === recentTitle, await recent.textContent());
      await page.locator(statusSelector(specials[3].id)).click({ position: { x: 300, y: 10 } });
      check('and the relative one once another is current', (await recent.textContent()) === recentText, await recent.textContent());
    });

    await step('the level threshold hides lower levels', async () => {
      const low = page.locator(statusSelector(specials[1].id));
      check('a level -1 status is hidden at threshold 0', await low.evaluate((li) => li.hidden));
      check('the page says how many are hidden', (await page.locator('#hidden-summary').getAttribute('data-hidden')) === '1' && await page.locator('#hidden-summary').isVisible());
      await page.selectOption('#level-threshold', '-1');
      check('lowering the threshold shows it', await low.isVisible());
      await waitForTitleCount(page, atOrAbove(expected, -1));
      check('and counts it in the title', true);
      await page.selectOption('#level-threshold', '2');
      check('raising the threshold hides level 0', !(await page.locator(statusSelector(specials[5].id)).isVisible()) && await page.locator(statusSelector(specials[4].id)).isVisible());
      await waitForTitleCount(page, atOrAbove(expected, 2));
      await page.selectOption('#level-threshold', '0');
      await waitForTitleCount(page, atOrAbove(expected, 0));
      check('back at threshold 0', !(await low.isVisible()));
    });

    await step('j and k move between statuses', async () => {
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      const visible = page.locator('#statuses > li.status:not([hidden])');
      await page.keyboard.press('j');
      check('j selects the first status', (await visible.nth(0).getAttribute('class')).includes('current'));
      await page.keyboard.press('j');
      check('j moves to the next', (await visible.nth(1).getAttribute('class')).includes('current') && !(await visible.nth(0).getAttribute('class')).includes('current'));
      await page.keyboard.press('k');
      check('k moves back', (await visible.nth(0).getAttribute('class')).includes('current'));
      check('one status is current', (await page.locator('li.status.current').count()) === 1);
      check('the keys are documented on the page', /j.*next.*k.*previous.*a.*ack/s.test(await page.locator('.keys').textContent()));
    });

    await step('n without new statuses does nothing and keeps the reading position', async () => {
      const visible = page.locator('#statuses > li.status:not([hidden])');
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      const current = await page.locator('li.status.current').getAttribute('data-id');
      const scrolled = await page.evaluate(() => window.scrollY);
      const before = pageRequests.filter((p) => p.endsWith('/statuses.html')).length;
      await page.keyboard.press('n');
      await page.waitForTimeout(300);  // a reload, if any, would have been sent by now
      check('no page was fetched', pageRequests.filter((p) => p.endsWith('/statuses.html')).length === before);
      check('the same status is current', (await page.locator('li.status.current').getAttribute('data-id')) === current, current);
      check('the page did not jump', (await page.evaluate(() => window.scrollY)) === scrolled);
      check('it is the fourth shown', (await visible.nth(3).getAttribute('data-id')) === current);
      await page.keyboard.press('k');
      await page.keyboard.press('k');
      await page.keyboard.press('k');
    });

    await step('? shows every key, Esc closes the list', async () => {
      const help = page.locator('#key-help');
      check('closed at first', !(await help.isVisible()));
      await page.keyboard.press('?');
      await help.waitFor({ state: 'visible', timeout });
      const text = await help.textContent();
      check('it lists j, k, o, m, a, n and ?', ['next status', 'previous status', 'permalink', 'ack the current status', 'un-ack', 'undo the last ack', 'ack the statuses shown', 'show new statuses', 'show or hide'].every((t) => text.includes(t)), text);
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'hidden', timeout });
      check('Esc closes it', true);
      await page.keyboard.press('?');
      await help.waitFor({ state: 'visible', timeout });
      await help.locator('button').click();
      await help.waitFor({ state: 'hidden', timeout });
      check('its button closes it', true);
    });

    const late = {
      id: `${run}/late`,
      text: 'A status posted while the page was open.',
      user: { name: 'Latecomer', screen_name: 'late', profile_image_url: avatar },
    };
    await step('a new status is announced live and shown on demand', async () => {
      await api('POST', tlPath(timeline) + '/statuses.json', late);
      const banner = page.locator('#new-statuses');
      await banner.waitFor({ state: 'visible', timeout });
      check('the page announces "1 new status"', /^1 new status\b/.test(await banner.textContent()), await banner.textContent());
      await waitForTitleCount(page, atOrAbove(expected, 0) + 1);
      check('the title count grows', true);
      check('the new status is not inserted by itself', (await page.locator(statusSelector(late.id)).count()) === 0);
      await page.keyboard.press('n');
      await page.locator(statusSelector(late.id)).waitFor({ timeout });
      check('n shows it at the top', (await page.locator('#statuses > li.status').first().getAttribute('data-id')) === late.id);
      check('the announcement is gone', !(await banner.isVisible()));
    });

    await step('screenshots', async () => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: screenshot });
      check('screenshot saved to ' + screenshot, fs.statSync(screenshot).size > 0);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(100);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      check('no sideways scrolling at phone width', overflow <= 0, overflow);
      check('the ack button is on screen at phone width', await page.locator('#ack-button').isVisible());
      await page.screenshot({ path: phoneScreenshot });
      check('phone screenshot saved to ' + phoneScreenshot, fs.statSync(phoneScreenshot).size > 0);
      await page.setViewportSize({ width: 1000, height: 1100 });
    });

    await step('a acks the statuses shown (by ids, as more unacked are not shown)', async () => {
      const before = await unackedCounts(timeline);
      // Shown: not hidden by the level filter. The level -1 status is unacked and hidden.
      const shownUnacked = await page.locator('#statuses > li.status.unacked:not([hidden])').count();
      const hiddenUnacked = await page.locator('#statuses > li.status.unacked[hidden]').count();
      check('an unacked status is hidden by the level filter', hiddenUnacked > 0);
      check('the button counts only what is shown', (await page.locator('#ack-button').textContent()) === `Ack ${shownUnacked} shown`, await page.locator('#ack-button').textContent());
      check('more statuses are unacked than shown', before.total > shownUnacked, `${before.total} vs ${shownUnacked}`);
      const ackResponse = quiet(page.waitForResponse((r) => r.url().endsWith('/ack.json')));
      await page.keyboard.press('a');
      const response = await ackResponse;
      const body = JSON.parse(response.request().postData());
      check('the server acked them all', (await response.json()).count === shownUnacked);
      check('the ack names the ids shown', Array.isArray(body.ids) && body.ids.length === shownUnacked && body.max_id === undefined, JSON.stringify(body).slice(0, 200));
      const after = await unackedCounts(timeline);
      check('the server\'s unacked count dropped by the number shown', after.total === before.total - shownUnacked, `${before.total} -> ${after.total}`);
      const low = `${run}/low level`;
      check('the ack leaves out the hidden status', !body.ids.includes(low));
      const stillUnacked = await api('GET', tlPath(timeline) + '/statuses.json?ack_state=unacked&count=100000');
      check('the hidden status is still unacked', stillUnacked.statuses.some((st) => st.id === low));
      await waitForTitleCount(page, atOrAbove(after, 0));
      check('the title count dropped', atOrAbove(after, 0) < atOrAbove(before, 0));
      // The list is loaded again from the newest status once the ack is answered.
      await page.waitForFunction(() => document.querySelectorAll('#statuses > li.status.acked').length > 0, null, { timeout });
      check('the page starts again with the statuses still unacked', (await page.locator('#statuses > li.status').first().getAttribute('class')).includes('unacked'));
      check('acked statuses are shown as acked', (await page.locator('#statuses > li.status.acked').count()) > 0);
      const looks = await page.evaluate(() => ['li.status.acked', 'li.status.unacked'].map((s) => {
        const style = getComputedStyle(document.querySelector(s));
        return style.borderLeftColor + ' ' + style.backgroundColor;
      }));
      check('acked and unacked statuses look different', looks[0] !== looks[1], JSON.stringify(looks));
      await page.keyboard.press('j');
      await page.evaluate(() => window.scrollTo(0, document.querySelector('li.status.acked').offsetTop - 400));
      await page.screenshot({ path: ackedScreenshot });
      check('screenshot of acked and unacked saved to ' + ackedScreenshot, fs.statSync(ackedScreenshot).size > 0);
    });

    await step('load older pages with max_id', async () => {
      const acked = page.locator(statusSelector(specials[0].id));
      const before = await page.locator('#statuses > li.status').count();
      const olderRequest = quiet(page.waitForRequest((r) => r.url().includes('max_id=')));
      await page.locator('#load-older').click();
      const url = new URL((await olderRequest).url());
      check('the request names the last status shown as max_id', url.searchParams.get('max_id') === await page.locator('#statuses > li.status').nth(before - 1).getAttribute('data-id'));
      await page.waitForFunction((n) => document.querySelectorAll('#statuses > li.status').length > n, before, { timeout });
      const after = await page.locator('#statuses > li.status').count();
      check('older statuses are appended', after > before, `${before} -> ${after}`);
      const ids = await page.locator('#statuses > li.status').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id')));
      check('no status is shown twice', new Set(ids).size === ids.length);
      const ackedTime = acked.locator('time.status-acked-time');
      check('a status acked before shows its ack time', (await ackedTime.getAttribute('datetime')) === '2013-05-16T12:56:23Z');
      check('older pages have their times in the zone too', (await ackedTime.textContent()) !== 'Thu May 16 12:56:23 +0000 2013', await ackedTime.textContent());
    });

    await step('the ack button acks the rest (max_id, every unacked status is shown)', async () => {
      await page.selectOption('#level-threshold', '-1');  // nothing hidden
      const shownUnacked = await page.locator('#statuses > li.status.unacked:not([hidden])').count();
      const before = await unackedCounts(timeline);
      check('every unacked status is shown', before.total === shownUnacked && shownUnacked > 0, `${before.total} vs ${shownUnacked}`);
      const button = page.locator('#ack-button');
      check('the button is visible and says what it does', await button.isVisible() && /^Ack \d+ shown$/.test(await button.textContent()), await button.textContent());
      const ackResponse = quiet(page.waitForResponse((r) => r.url().endsWith('/ack.json')));
      await button.click();
      const response = await ackResponse;
      const body = JSON.parse(response.request().postData());
      check('the server acked them all', (await response.json()).count === shownUnacked);
      check('the ack uses max_id', typeof body.max_id === 'string' && body.ids === undefined, JSON.stringify(body));
      await waitForTitleCount(page, 0);
      check('the title has no count left', !/^\(/.test(await title(page)), await title(page));
      check('the server has no unacked status left', (await unackedCounts(timeline)).total === 0);
      await page.waitForFunction(() => document.querySelectorAll('#statuses > li.status.unacked').length === 0, null, { timeout });
      check('every status shown is acked', true);
      check('the button has nothing left to ack', await button.isDisabled());
      await page.selectOption('#level-threshold', '0');
    });

    await step('an ack can be undone for a few seconds', async () => {
      const undo = page.locator('#undo');
      check('the page offers to undo the last ack', await undo.isVisible() && /^Acked \d+ status/.test(await page.locator('#undo-text').textContent()), await page.locator('#undo-text').textContent());
      const acked = Number((await page.locator('#undo-text').textContent()).match(/\d+/)[0]);
      const unackResponse = quiet(page.waitForResponse((r) => r.url().endsWith('/unack.json')));
      await page.keyboard.press('u');
      const response = await unackResponse;
      check('u un-acks them', (await response.json()).count === acked, JSON.stringify(await response.json()));
      check('the server has them unacked again', (await unackedCounts(timeline)).total === acked);
      check('the offer is gone', !(await undo.isVisible()));
      await page.waitForFunction((n) => document.querySelectorAll('#statuses > li.status.unacked').length >= n, acked, { timeout });
      await page.selectOption('#level-threshold', '-1');
      await page.locator('#ack-button').click();
      await waitForTitleCount(page, 0);
      check('and acked again', (await unackedCounts(timeline)).total === 0);
      await page.selectOption('#level-threshold', '0');
    });

    await step('m acks the current status where it is', async () => {
      const fresh = { id: `${run}/marked`, text: 'A status acked with m.' };
      await api('POST', tlPath(timeline) + '/statuses.json', fresh);
      await page.locator('#new-statuses').waitFor({ state: 'visible', timeout });
      await page.keyboard.press('n');
      await page.locator(statusSelector(fresh.id)).waitFor({ timeout });
      await page.keyboard.press('j');
      check('it is current', (await page.locator('li.status.current').getAttribute('data-id')) === fresh.id);
      const ackResponse = quiet(page.waitForResponse((r) => r.url().endsWith('/ack.json')));
      await page.keyboard.press('m');
      const body = JSON.parse((await ackResponse).request().postData());
      check('the ack names it alone', JSON.stringify(body) === JSON.stringify({ ids: [fresh.id] }), JSON.stringify(body));
      await page.locator(statusSelector(fresh.id) + '.acked').waitFor({ timeout });
      check('it shows acked, in place, still current', (await page.locator('#statuses > li.status').first().getAttribute('data-id')) === fresh.id &&
        (await page.locator('li.status.current').getAttribute('data-id')) === fresh.id);
      check('the server acked it', (await unackedCounts(timeline)).total === 0);
      await waitForTitleCount(page, 0);
      // m again un-acks it, in place.
      await page.keyboard.press('m');
      await page.locator(statusSelector(fresh.id) + '.unacked').waitFor({ timeout });
      check('m on an acked status un-acks it', (await unackedCounts(timeline)).total === 1 &&
        (await page.locator('li.status.current').getAttribute('data-id')) === fresh.id);
      await waitForTitleCount(page, 1);
      check('without announcing it as new', !(await page.locator('#new-statuses').isVisible()));
      await page.keyboard.press('m');
      await page.locator(statusSelector(fresh.id) + '.acked').waitFor({ timeout });
      await waitForTitleCount(page, 0);
      // The next new status is still announced (the acked one left the baseline).
      await api('POST', tlPath(timeline) + '/statuses.json', { id: `${run}/after m`, text: 'after m' });
      await page.locator('#new-statuses').waitFor({ state: 'visible', timeout });
      check('a new status after m is announced', /^1 new status\b/.test(await page.locator('#new-statuses').textContent()));
      await api('POST', tlPath(timeline) + '/ack.json', { ids: [`${run}/after m`] });
      await waitForTitleCount(page, 0);
    });

    await step('the timeline list follows live', async () => {
      const entry = listPage.locator('li.timeline-entry', { has: listPage.locator('.timeline-name', { hasText: timeline }) }).first();
      await entry.locator('.timeline-count[data-count="0"]').waitFor({ timeout });
      check('the list\'s count dropped to 0 without a reload', true);
      await api('POST', tlPath(timeline) + '/statuses.json', { id: `${run}/after`, text: 'one more' });
      await entry.locator('.timeline-count[data-count="1"]').waitFor({ timeout });
      check('and rose to 1 when a status arrived', true);
      await api('POST', tlPath(timeline) + '/ack.json', { ids: [`${run}/after`] });
      await entry.locator('.timeline-count[data-count="0"]').waitFor({ timeout });
    });

    if (oddTimeline) {
      await step('a timeline with an awkward name', async () => {
        await api('POST', tlPath(oddTimeline) + '/ack.json', {});
        await api('POST', tlPath(oddTimeline) + '/statuses.json', { id: `${run}/odd?&#%"`, text: 'in an odd timeline' });
        const odd = await context.newPage();
        watch(odd, 'odd');
        await odd.goto(tlPath(oddTimeline) + '/', { waitUntil: 'load' });
        await odd.locator(statusSelector(`${run}/odd?&#%"`)).waitFor({ timeout });
        check('its page shows its status', true);
        check('its title names it', (await odd.title()) === `(1) ${oddTimeline} · Roost`, await odd.title());
        await odd.locator('#ack-button').click();
        await waitForTitleCount(odd, 0);
        check('it can be acked', (await unackedCounts(oddTimeline)).total === 0);
        await odd.close();
      });
    }

    await step('the page says it is loading until the statuses arrive', async () => {
      const slow = await context.newPage();
      watch(slow, 'slow');
      let release;
      const gate = new Promise((resolve) => { release = resolve; });
      await slow.route('**/statuses.html*', async (route) => { await gate; await route.continue(); });
      await slow.goto(tlPath(timeline) + '/', { waitUntil: 'load' });
      check('"Loading…" is shown', (await slow.locator('#empty').textContent()) === 'Loading…' && await slow.locator('#empty').isVisible());
      check('the ack button waits', await slow.locator('#ack-button').isDisabled());
      release();
      await slow.locator('#statuses > li.status').first().waitFor({ timeout });
      check('the statuses replace it', !(await slow.locator('#empty').isVisible()));
      await slow.close();
    });

    await step('the tab\'s icon carries the count; notifications when asked for', async () => {
      const icon = page.locator('link[rel="icon"]');
      const unread = atOrAbove(await unackedCounts(timeline), 0);
      check('no badge while nothing is unacked', unread > 0 || (await icon.getAttribute('data-count')) === null);
      await context.grantPermissions(['notifications'], { origin: base });
      await page.evaluate(() => {
        // Record what would be shown, and act as if the reader were in another window.
        const Real = window.Notification;
        window.__notes = [];
        const Spy = function (title, options) { window.__notes.push(title); return new Real(title, options); };
        Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
        Spy.requestPermission = () => Real.requestPermission();
        window.Notification = Spy;
        document.hasFocus = () => false;
      });
      const button = page.locator('#notify-button');
      check('the page offers notifications', await button.isVisible() && (await button.textContent()) === 'Notify me');
      await button.click();
      await page.waitForFunction(() => document.getElementById('notify-button').textContent === 'Notifications: on', null, { timeout });
      check('they are on once allowed', true);
      const alert = { id: `${run}/alert`, text: 'Something needs a look.', busybird: { level: 3 } };
      await api('POST', tlPath(timeline) + '/statuses.json', alert);
      await page.locator('#new-statuses').waitFor({ state: 'visible', timeout });
      await page.waitForFunction(() => window.__notes.length > 0, null, { timeout });
      const notes = await page.evaluate(() => window.__notes);
      check('a notification says a status arrived', notes.length === 1 && notes[0] === `${timeline}: 1 new status`, JSON.stringify(notes));
      await page.waitForFunction(() => document.querySelector('link[rel="icon"]').getAttribute('data-count') !== null, null, { timeout });
      check('the icon carries the unacked count', (await icon.getAttribute('data-count')) === String(unread + 1) && (await icon.getAttribute('href')).startsWith('data:image/png'), await icon.getAttribute('data-count'));
      await button.click();
      check('and they can be turned off', (await button.textContent()) === 'Notify me');
      await api('POST', tlPath(timeline) + '/ack.json', { ids: [alert.id] });
      await page.waitForFunction(() => document.querySelector('link[rel="icon"]').getAttribute('data-count') === null, null, { timeout });
      check('the badge goes with the last unacked status', (await icon.getAttribute('href')) === '/static/roost.svg');
      await page.evaluate(() => { delete document.hasFocus; });
    });

    await step('statuses are reached with Tab, and Tab makes one current', async () => {
      await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
      let reached = null;
      for (let i = 0; i < 40 && reached === null; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => {
          const a = document.activeElement;
          return a && a.matches('li.status') ? a.getAttribute('data-id') : null;
        });
      }
      check('Tab reaches a status', reached !== null);
      check('the status Tab reached is current', (await page.locator('li.status.current').getAttribute('data-id')) === reached, reached);
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => document.activeElement.closest('li.status')?.getAttribute('data-id'));
      check('Tab goes on through the status and beyond', next !== undefined);
      const header = await page.evaluate(() => {
        const user = Array.from(document.querySelectorAll('.status-user')).find((u) => u.querySelector('.status-user-name') && u.querySelector('.status-screen-name'));
        return user ? user.textContent : null;
      });
      check('name and screen name are apart for a screen reader', header !== null && /\S @\S/.test(header), header);
    });

    await step('text has at least 4.5:1 contrast, light and dark', async () => {
      await api('POST', tlPath(timeline) + '/statuses.json', { id: `${run}/contrast`, text: 'unacked, for the label' });
      await page.reload({ waitUntil: 'load' });
      await page.locator(statusSelector(`${run}/contrast`)).waitFor({ timeout });
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await listPage.emulateMedia({ colorScheme: scheme });
        const label = await contrastOf(page, 'li.status.unacked .status-state');
        check(`the "unacked" label (${scheme})`, label >= 4.5, label);
        await listPage.locator('.has-unacked .timeline-count').first().waitFor({ timeout });
        const badge = await contrastOf(listPage, '.has-unacked .timeline-count');
        check(`the unacked badge on the list (${scheme})`, badge >= 4.5, badge);
        await page.evaluate(() => { const m = document.getElementById('message'); m.textContent = 'an error'; m.hidden = false; });
        const error = await contrastOf(page, '#message');
        check(`error text (${scheme})`, error >= 4.5, error);
        await page.evaluate(() => { document.getElementById('message').hidden = true; });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await api('POST', tlPath(timeline) + '/ack.json', { ids: [`${run}/contrast`] });
    });

    await step('the theme button overrides the system theme, and is kept', async () => {
      await page.emulateMedia({ colorScheme: 'light' });
      const button = page.locator('#theme-button');
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const light = await background();
      check('it starts at the system theme', (await button.textContent()) === 'Theme: system');
      await button.click();
      check('then light', (await button.textContent()) === 'Theme: light' && await page.evaluate(() => document.documentElement.dataset.theme) === 'light');
      await button.click();
      check('then dark, which changes the colours', (await button.textContent()) === 'Theme: dark' && (await background()) !== light);
      await page.reload({ waitUntil: 'load' });
      await page.locator('#statuses > li.status').first().waitFor({ timeout });
      check('the choice survives a reload', (await page.locator('#theme-button').textContent()) === 'Theme: dark' && (await background()) !== light);
      await page.locator('#theme-button').click();
      check('and back to the system theme', (await page.locator('#theme-button').textContent()) === 'Theme: system' && (await background()) === light);
    });

    await step('a media image that does not load leaves a link', async () => {
      const broken = {
        id: `${run}/broken media`,
        text: 'A picture that is gone https://t.co/gone',
        entities: { media: [{ indices: [23, 40], url: 'https://t.co/gone', expanded_url: 'https://example.com/gone', media_url_https: missingPicture }] },
      };
      await api('POST', tlPath(timeline) + '/statuses.json', broken);
      await page.locator('#new-statuses').waitFor({ state: 'visible', timeout });
      await page.keyboard.press('n');
      const fallback = page.locator(statusSelector(broken.id) + ' a.media-fallback');
      await fallback.waitFor({ timeout });
      check('the link names what failed', /did not load/.test(await fallback.textContent()));
      check('and leads to the picture', (await fallback.getAttribute('href')) === 'https://example.com/gone', await fallback.getAttribute('href'));
      check('no blank gap is left', !(await page.locator(statusSelector(broken.id) + ' img.status-media-image').isVisible()));
      await api('POST', tlPath(timeline) + '/ack.json', { ids: [broken.id] });
    });

    await step('a page without its slash is redirected; an unknown one lists the others', async () => {
      const other = await context.newPage();  // not watched: the 404 itself is logged
      const errors = [];
      other.on('pageerror', (e) => errors.push(e.message));
      await other.goto(tlPath(timeline), { waitUntil: 'load' });
      check('the missing slash is added', other.url() === tlPath(timeline) + '/', other.url());
      const missing = await other.goto(base + '/timelines/' + encodeURIComponent(`${run} nope`) + '/', { waitUntil: 'load' });
      check('an unknown timeline is 404', missing.status() === 404, missing.status());
      check('as a page, not JSON', (missing.headers()['content-type'] || '').startsWith('text/html'));
      await other.locator('#missing').waitFor({ state: 'visible', timeout });
      check('it says what is not there', (await other.locator('#missing').textContent()).includes(`There is no timeline "${run} nope" here`));
      check('and lists the timelines there are', (await other.locator('.timeline-name', { hasText: timeline }).count()) > 0);
      check('without script errors', errors.length === 0, errors.join(' | '));
      await other.close();
    });

    await step('a screenshot for the README', async () => {
      // What a reader sees on a working day: alerts and feed entries at a few levels.
      const demo = [
        { text: 'Nightly backup finished: 14.2 GB in 6 min.', user: { name: 'backup', screen_name: 'cron' }, busybird: { level: 0 } },
        { text: 'New release: Roost 0.1 with PostgreSQL and a fleet of servers on one store.', user: { name: 'Release notes', screen_name: 'releases' }, busybird: { level: 1 } },
        { text: 'Disk /var at 91% on db-2 (threshold 90%).', user: { name: 'Monitoring', screen_name: 'alerts' }, busybird: { level: 3 } },
        { text: 'Build #4812 of main passed (412 tests).', user: { name: 'CI', screen_name: 'ci' }, busybird: { level: 0 } },
        { text: 'Certificate for example.com expires in 9 days.', user: { name: 'Monitoring', screen_name: 'alerts' }, busybird: { level: 2 } },
      ].map((st, i) => Object.assign({ id: `${run}/demo ${i}`, created_at: at(40 - 7 * i) }, st));
      await api('POST', tlPath(timeline) + '/statuses.json', demo);
      const shot = await context.newPage();
      watch(shot, 'readme');
      await shot.setViewportSize({ width: 900, height: 640 });
      await shot.emulateMedia({ colorScheme: 'light' });
      await shot.goto(tlPath(timeline) + '/', { waitUntil: 'load' });
      await shot.locator(statusSelector(demo[4].id)).waitFor({ timeout });
      await shot.keyboard.press('j');
      await shot.screenshot({ path: readmeScreenshot });
      check('README screenshot saved to ' + readmeScreenshot, fs.statSync(readmeScreenshot).size > 0);
      await shot.close();
      await api('POST', tlPath(timeline) + '/ack.json', { ids: demo.map((st) => st.id) });
    });

    await step('no script errors or policy violations', async () => {
      check('the pages logged no errors', problems.length === 0, problems.join(' | '));
    });
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(() => {
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
  process.exit(failed === 0 ? 0 : 1);
}, (e) => {
  console.error(e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
