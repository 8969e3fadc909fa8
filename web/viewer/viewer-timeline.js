// The timeline page (timeline.html, `GET /timelines/{timeline}/`): a page of statuses,
// newest first, as statuses.html renders them; older pages on demand; a banner when new
// statuses arrive (one long poll on the unacked counts); a level filter; acking what is
// shown (with an undo), or acking and un-acking the current status; moving with j and k;
// a list of the keys on `?`.

import { maxCount, readConfig } from './viewer-config.js';
import { cleanCounts, countAtOrAbove, countedLevels, countsQuery, sameCounts } from './viewer-counts.js';
import { bindKeys } from './viewer-keys.js';
import { ApiError, pollLoop, postJson, query, request, timelinePath } from './viewer-net.js';
import { el, showMessage, showUser } from './viewer-page.js';
import { fetchStatuses } from './viewer-statuses.js';
import { localizeTimes, makeTimeFormatter, zoneNote } from './viewer-time.js';
import { setUpTheme } from './viewer-theme.js';
import { makeFaviconBadge, setUpNotifications } from './viewer-alerts.js';

function initTimeline(config) {
  const name = config.timeline;
  const ui = {
    name: document.getElementById('timeline-name'),
    summary: document.getElementById('unacked-summary'),
    threshold: document.getElementById('level-threshold'),
    ack: document.getElementById('ack-button'),
    newStatuses: document.getElementById('new-statuses'),
    hidden: document.getElementById('hidden-summary'),
    message: document.getElementById('message'),
    connection: document.getElementById('connection'),
    list: document.getElementById('statuses'),
    empty: document.getElementById('empty'),
    older: document.getElementById('load-older'),
    end: document.getElementById('end'),
    zone: document.getElementById('time-zone'),
    help: document.getElementById('key-help'),
    undo: document.getElementById('undo'),
    undoText: document.getElementById('undo-text'),
    undoButton: document.getElementById('undo-button'),
  };
  if (name === null) {
    showMessage(ui.message, 'No timeline named in this page.');
    return;
  }
  const countsPath = timelinePath(name) + '/updates/unacked_counts.json';
  const formatter = makeTimeFormatter(config.time_zone);
  const storageKey = 'roost.level_threshold.' + name;

  const state = {
    entries: [],        // displayed statuses in timeline order: {id, level, acked, li}
    latest: null,       // the newest unacked counts the server told us
    baseline: null,     // the counts when the list was loaded
    reachedEnd: false,  // nothing older than the last displayed status
    currentId: null,    // the status j/k is on
    fresh: 0,           // unacked statuses at or above the threshold not in the list
    busy: false,
    loaded: false,      // the first page has arrived
    threshold: config.level_threshold,
  };

  try {
    const stored = window.localStorage.getItem(storageKey);
    if (stored !== null && /^-?\d+$/.test(stored)) state.threshold = Number(stored);
  } catch (e) {
    // storage unavailable: keep the configured threshold
  }

  ui.name.textContent = name;
  ui.zone.textContent = zoneNote(formatter);
  const badge = makeFaviconBadge();
  const notify = setUpNotifications(document.getElementById('notify-button'));

  // --- counts, title and summary

  function unreadCount() {
    return countAtOrAbove(state.latest, state.threshold);
  }

  function updateTitle() {
    const unread = unreadCount();
    document.title = (unread > 0 ? '(' + unread + ') ' : '') + name + ' · Roost';
    badge(unread);
    if (state.latest === null) {
      ui.summary.textContent = '';
      return;
    }
    const below = state.latest.total - unread;
    ui.summary.textContent = unread + ' unacked' + (below > 0 ? ' (+' + below + ' below level ' + state.threshold + ')' : '');
    ui.summary.setAttribute('data-unacked', String(unread));
  }

  function updateNewBanner() {
    let fresh = 0;
    if (state.latest !== null && state.baseline !== null) {
      fresh = countAtOrAbove(state.latest, state.threshold) - countAtOrAbove(state.baseline, state.threshold);
    }
    // More new statuses than the last time we looked: tell a reader who is elsewhere.
    if (fresh > state.fresh && state.fresh >= 0 && fresh > 0)
      notify(name + ': ' + fresh + (fresh === 1 ? ' new status' : ' new statuses'), 'at level ' + state.threshold + ' or above');
    state.fresh = Math.max(fresh, 0);
    if (fresh > 0) {
      ui.newStatuses.textContent = fresh + (fresh === 1 ? ' new status' : ' new statuses') + ' — show';
      ui.newStatuses.setAttribute('data-new', String(fresh));
      ui.newStatuses.hidden = false;
    } else {
      ui.newStatuses.hidden = true;
      ui.newStatuses.setAttribute('data-new', '0');
    }
  }

  function updateThresholdOptions() {
    const levels = new Set([0, state.threshold]);
    for (const e of state.entries) levels.add(e.level);
    if (state.latest !== null) for (const level of countedLevels(state.latest)) levels.add(level);
    const sorted = Array.from(levels).sort((a, b) => a - b);
    const existing = Array.from(ui.threshold.options).map((o) => Number(o.value));
    if (existing.length !== sorted.length || existing.some((v, i) => v !== sorted[i])) {
      ui.threshold.textContent = '';
      for (const level of sorted) {
        ui.threshold.appendChild(el('option', null, [['value', String(level)]], 'level ≥ ' + level));
      }
    }
    ui.threshold.value = String(state.threshold);
  }

  function onCounts(counts) {
    state.latest = counts;
    updateTitle();
    updateNewBanner();
    updateThresholdOptions();
  }

  // --- the list

  function applyThreshold() {
    let hidden = 0;
    for (const e of state.entries) {
      const below = e.level < state.threshold;
      e.li.hidden = below;
      if (below) ++hidden;
    }
    if (hidden > 0) {
      ui.hidden.textContent = hidden + (hidden === 1 ? ' status' : ' statuses') + ' below level ' + state.threshold + ' hidden.';
      ui.hidden.setAttribute('data-hidden', String(hidden));
      ui.hidden.hidden = false;
    } else {
      ui.hidden.hidden = true;
      ui.hidden.setAttribute('data-hidden', '0');
    }
    ui.empty.hidden = state.loaded && state.entries.length !== hidden;
    if (!state.loaded) ui.empty.textContent = 'Loading…';
    else if (state.entries.length === 0) showEmptyTimeline();
    else ui.empty.textContent = 'Every status is below the level threshold.';
    const current = entryById(state.currentId);
    if (current && current.li.hidden) setCurrent(null);
    updateAckButton();
  }

  // A timeline with nothing in it yet says how to put something in.
  function showEmptyTimeline() {
    const url = window.location.origin + timelinePath(name) + '/statuses.json';
    ui.empty.replaceChildren(
      el('span', null, null, 'No statuses yet. Post one:'),
      el('code', 'empty-example', null,
        "curl -H 'Content-Type: application/json' -d '{\"text\": \"Hello\"}' " + url),
    );
  }

  // What `a` and the button ack: the unacked statuses on the page that the level filter
  // does not hide. Hidden ones the reader has not seen, so they stay unacked.
  function shownUnacked() {
    return state.entries.filter((e) => !e.acked && !e.li.hidden);
  }

  function updateAckButton() {
    const unacked = shownUnacked().length;
    ui.ack.disabled = !state.loaded || unacked === 0 || state.busy;
    ui.ack.textContent = !state.loaded ? 'Ack shown' : unacked > 0 ? 'Ack ' + unacked + ' shown' : 'Nothing to ack';
  }

  function updateOlder() {
    ui.older.hidden = state.reachedEnd || state.entries.length === 0;
    ui.end.hidden = !(state.reachedEnd && state.entries.length > 0);
  }

  function entryById(id) {
    if (id === null) return null;
    return state.entries.find((e) => e.id === id) || null;
  }

  function setEntries(entries) {
    state.entries = entries;
    ui.list.replaceChildren(...entries.map((e) => e.li));
    afterListChange();
  }

  function appendEntries(entries) {
    const known = new Set(state.entries.map((e) => e.id));
    for (const e of entries) {
      if (known.has(e.id)) continue;
      state.entries.push(e);
      ui.list.appendChild(e.li);
    }
    afterListChange();
  }

  function afterListChange() {
    applyThreshold();
    updateThresholdOptions();
    updateOlder();
    const current = entryById(state.currentId);
    if (current) markCurrent(current);
    else state.currentId = null;
  }

  function withBusy(work) {
    return async (...args) => {
      if (state.busy) return;
      state.busy = true;
      updateAckButton();
      try {
        showMessage(ui.message, '');
        await work(...args);
      } catch (e) {
        showMessage(ui.message, e instanceof ApiError ? e.message : String(e));
      } finally {
        state.busy = false;
        updateAckButton();
      }
    };
  }

  // The newest `count` statuses replace the list; the counts at that moment become the
  // baseline against which new statuses are announced.
  async function loadNewest(count) {
    const countsBody = await request(countsPath);
    const entries = await fetchStatuses(name, [['count', count]], formatter);
    state.baseline = cleanCounts(countsBody.unacked_counts);
    state.reachedEnd = entries.length < count;
    state.loaded = true;
    setEntries(entries);
    // A poll in flight may still report older counts; it is answered again at once
    // because the server's counts differ from what it stated.
    onCounts(state.baseline);
  }

  const loadOlder = withBusy(async () => {
    if (state.reachedEnd || state.entries.length === 0) return;
    const last = state.entries[state.entries.length - 1];
    const entries = await fetchStatuses(name, [['max_id', last.id], ['count', config.page_size + 1]], formatter);
    // max_id is inclusive: the first answer is the last status shown.
    const older = entries.length > 0 && entries[0].id === last.id ? entries.slice(1) : entries;
    if (entries.length < config.page_size + 1) state.reachedEnd = true;
    appendEntries(older);
  });

  // Without new statuses there is nothing to show, and the reader keeps their place.
  // With some, they are loaded above the list; the current status stays current.
  const showNew = withBusy(async () => {
    if (state.fresh === 0) return;
    const count = Math.min(Math.max(config.page_size, state.entries.length + state.fresh), maxCount);
    await loadNewest(count);
    window.scrollTo(0, 0);
  });

  // Acks the unacked statuses shown (not those the level filter hides). When they are
  // every unacked status of the timeline, `max_id` (the newest of them) says it in one
  // id; otherwise their `ids`, so that nothing the reader has not seen is acked.
  const ack = withBusy(async () => {
    const unacked = shownUnacked();
    if (unacked.length === 0) return;
    const everyUnackedShown = state.latest !== null && state.latest.total === unacked.length;
    const body = everyUnackedShown ? { max_id: unacked[0].id } : { ids: unacked.map((e) => e.id) };
    await postJson(timelinePath(name) + '/ack.json', body);
    // Acked statuses move below the unacked ones: start again from the newest.
    await loadNewest(config.page_size);
    setCurrent(null);
    window.scrollTo(0, 0);
    offerUndo(unacked.map((e) => e.id));
  });

  // --- undo: for a few seconds after an ack, the acked statuses can be put back

  let undoTimer = null;
  function offerUndo(ids) {
    window.clearTimeout(undoTimer);
    ui.undoText.textContent = 'Acked ' + ids.length + (ids.length === 1 ? ' status.' : ' statuses.');
    ui.undo.hidden = false;
    ui.undo.dataset.ids = JSON.stringify(ids);
    undoTimer = window.setTimeout(() => { ui.undo.hidden = true; }, 10000);
  }

  const undo = withBusy(async () => {
    if (ui.undo.hidden) return;
    const ids = JSON.parse(ui.undo.dataset.ids || '[]');
    ui.undo.hidden = true;
    window.clearTimeout(undoTimer);
    await postJson(timelinePath(name) + '/unack.json', { ids });
    await loadNewest(config.page_size);
  });

  // Acks the current status alone, or un-acks it when it is acked (`m`), and shows it
  // changed where it is: the reader's place in the list does not move.
  const toggleCurrent = withBusy(async () => {
    const current = entryById(state.currentId);
    if (!current) return;
    const acking = !current.acked;
    await postJson(timelinePath(name) + (acking ? '/ack.json' : '/unack.json'), { ids: [current.id] });
    const fresh = await fetchStatuses(name, [['max_id', current.id], ['count', 1]], formatter);
    const replacement = fresh.length > 0 && fresh[0].id === current.id ? fresh[0] : null;
    if (replacement) {
      current.li.replaceWith(replacement.li);
      current.li = replacement.li;
    } else {
      current.li.classList.replace(acking ? 'unacked' : 'acked', acking ? 'acked' : 'unacked');
    }
    current.acked = acking;
    // The counts at load time must follow, or the next new status would not be announced
    // (after an ack) or this one would be announced as new (after an un-ack).
    if (state.baseline !== null) {
      const level = String(current.level);
      const delta = acking ? -1 : 1;
      if (!acking || (state.baseline[level] || 0) > 0) {
        state.baseline[level] = (state.baseline[level] || 0) + delta;
        state.baseline.total += delta;
      }
    }
    markCurrent(current);
    applyThreshold();
    updateNewBanner();
  });

  // --- the key list (`?`)

  function toggleHelp(show) {
    const open = show === undefined ? !ui.help.open : show;
    if (open && !ui.help.open) ui.help.showModal();
    else if (!open && ui.help.open) ui.help.close();
  }

  // --- the current status (j, k, o)

  // The current status shows its times in full (the others say how long ago), as a
  // tooltip shows them to the mouse.
  function markCurrent(entry) {
    for (const li of ui.list.querySelectorAll('li.current')) {
      li.classList.remove('current');
      li.removeAttribute('aria-current');
      localizeTimes(li, formatter);
    }
    if (entry === null) return;
    entry.li.classList.add('current');
    entry.li.setAttribute('aria-current', 'true');
    showFullTimes(entry.li);
  }

  function showFullTimes(li) {
    for (const t of li.querySelectorAll('time[title]')) t.textContent = t.title;
  }

  function setCurrent(entry) {
    state.currentId = entry === null ? null : entry.id;
    markCurrent(entry);
    if (entry !== null && document.activeElement !== entry.li) {
      entry.li.focus({ preventScroll: true });
      entry.li.scrollIntoView({ block: 'nearest' });
    }
  }

  async function move(delta) {
    const visible = state.entries.filter((e) => !e.li.hidden);
    if (visible.length === 0) return;
    const at = visible.findIndex((e) => e.id === state.currentId);
    let next = at < 0 ? (delta > 0 ? 0 : visible.length - 1) : at + delta;
    if (next >= visible.length) {
      if (state.reachedEnd) next = visible.length - 1;
      else {
        await loadOlder();
        const more = state.entries.filter((e) => !e.li.hidden);
        next = Math.min(next, more.length - 1);
        setCurrent(more[next] || null);
        return;
      }
    }
    if (next < 0) next = 0;
    setCurrent(visible[next]);
  }

  function openCurrent() {
    const current = entryById(state.currentId);
    if (!current) return;
    const a = current.li.querySelector('a.status-permalink');
    if (a) window.open(a.href, '_blank', 'noopener,noreferrer');
  }

  bindKeys({
    j: () => move(1),
    k: () => move(-1),
    a: () => ack(),
    m: () => toggleCurrent(),
    u: () => undo(),
    n: () => showNew(),
    o: () => openCurrent(),
    '?': () => toggleHelp(),
  });
  ui.help.querySelector('button').addEventListener('click', () => toggleHelp(false));

  // Tab (and a screen reader's focus) moves the current status too.
  ui.list.addEventListener('focusin', (event) => {
    if (!(event.target instanceof Element) || !event.target.matches('li.status')) return;
    const entry = state.entries.find((e) => e.li === event.target);
    if (entry && entry.id !== state.currentId) setCurrent(entry);
  });

  ui.list.addEventListener('click', (event) => {
    if (!(event.target instanceof Element) || event.target.closest('a')) return;
    const li = event.target.closest('li.status');
    const entry = li ? state.entries.find((e) => e.li === li) : null;
    if (entry) setCurrent(entry);
  });

  ui.threshold.addEventListener('change', () => {
    const value = Number(ui.threshold.value);
    if (!Number.isSafeInteger(value)) return;
    state.threshold = value;
    try {
      window.localStorage.setItem(storageKey, String(value));
    } catch (e) {
      // not kept across visits
    }
    applyThreshold();
    updateTitle();
    updateNewBanner();
  });
  ui.ack.addEventListener('click', () => ack());
  ui.undoButton.addEventListener('click', () => undo());
  ui.newStatuses.addEventListener('click', () => showNew());
  ui.older.addEventListener('click', () => loadOlder());

  // --- start

  const trouble = (message) => showMessage(ui.connection, message);

  async function start() {
    // "3 min. ago" must not stay at 3.
    window.setInterval(() => {
      localizeTimes(ui.list, formatter);
      const current = entryById(state.currentId);
      if (current) showFullTimes(current.li);
    }, 30000);
    updateTitle();
    updateThresholdOptions();
    await withBusy(() => loadNewest(config.page_size))();
    pollLoop(async () => {
      // The first load failed (server away): try again before waiting for news.
      if (state.baseline === null) await withBusy(() => loadNewest(config.page_size))();
      const body = await request(countsPath + query(countsQuery(state.latest)));
      const counts = cleanCounts(body.unacked_counts);
      const unchanged = state.latest !== null && sameCounts(state.latest, counts);
      onCounts(counts);
      return unchanged ? 'unchanged' : true;
    }, trouble);
  }
  start();
}

const config = readConfig();
setUpTheme();
showUser(config);
initTimeline(config);
