// The timeline list (index.html, `GET /`): every timeline the reader may see, with its
// unacked counts, kept live by one long poll for all of them.

import { readConfig } from './viewer-config.js';
import { cleanCounts, countedLevels, sameCounts } from './viewer-counts.js';
import { isObject, pollLoop, query, request, timelinePath } from './viewer-net.js';
import { el, showMessage, showUser } from './viewer-page.js';
import { setUpTheme } from './viewer-theme.js';

function initIndex(config) {
  const list = document.getElementById('timelines');
  const connection = document.getElementById('connection');
  const none = document.getElementById('no-timelines');
  const counts = new Map();
  const rows = new Map();

  // Answering a timeline page this server does not serve (404).
  if (typeof config.missing === 'string') {
    showMessage(document.getElementById('missing'), 'There is no timeline "' + config.missing + '" here.' +
      (config.timelines.length > 0 ? ' These are the timelines you can read:' : ''));
  }

  if (config.timelines.length === 0) {
    none.hidden = false;
    return;
  }
  for (const t of config.timelines) {
    const li = el('li', 'timeline-entry');
    const a = el('a', 'timeline-link', [['href', timelinePath(t.name) + '/']]);
    a.appendChild(el('span', 'timeline-name', null, t.name));
    const count = el('span', 'timeline-count', [['data-count', '']], '…');
    a.appendChild(count);
    li.appendChild(a);
    const levels = el('span', 'timeline-levels');
    li.appendChild(levels);
    list.appendChild(li);
    rows.set(t.name, { li, count, levels });
  }

  function show(name) {
    const row = rows.get(name);
    const c = counts.get(name);
    if (!row || !c) return;
    row.count.textContent = String(c.total);
    row.count.setAttribute('data-count', String(c.total));
    row.li.classList.toggle('has-unacked', c.total > 0);
    const parts = countedLevels(c).sort((a, b) => b - a).map((level) => 'level ' + level + ': ' + c[String(level)]);
    row.levels.textContent = parts.length > 1 ? parts.join(' · ') : '';
    let total = 0;
    for (const v of counts.values()) total += v.total;
    document.title = (total > 0 ? '(' + total + ') ' : '') + 'Roost';
  }

  const trouble = (message) => showMessage(connection, message);

  async function start() {
    // Each timeline's counts at once (a query that states nothing is answered at once).
    await Promise.all(config.timelines.map(async (t) => {
      try {
        const body = await request(timelinePath(t.name) + '/updates/unacked_counts.json');
        counts.set(t.name, cleanCounts(body.unacked_counts));
        show(t.name);
      } catch (e) {
        rows.get(t.name).count.textContent = '?';
      }
    }));
    pollLoop(async () => {
      const pairs = [['level', 'total']];
      for (const t of config.timelines) {
        const c = counts.get(t.name);
        pairs.push(['tl_' + t.name, c ? c.total : 0]);
      }
      const body = await request('/updates/unacked_counts.json' + query(pairs));
      let changed = false;
      if (isObject(body.unacked_counts)) {
        for (const name of Object.keys(body.unacked_counts)) {
          if (!rows.has(name)) continue;
          const c = cleanCounts(body.unacked_counts[name]);
          const before = counts.get(name);
          if (!before || !sameCounts(before, c)) changed = true;
          counts.set(name, c);
          show(name);
        }
      }
      return changed ? true : 'unchanged';
    }, trouble);
  }
  start();
}

const config = readConfig();
setUpTheme();
showUser(config);
initIndex(config);
