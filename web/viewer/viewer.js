// Roost's viewer: the timeline list (index.html) and the timeline page (timeline.html).
//
// No framework and no build step; served from /static/ by the roost binary, which puts
// the page's settings into <script type="application/json" id="roost-config">.
//
// Everything in a status is untrusted: the DOM is built with createElement/textContent
// only, and only http(s) URLs become links or images. renderStatus() must produce the
// same elements, classes and attributes as web/src/status_html.cpp (the statuses.html
// endpoint); change both together.
'use strict';

(function () {
  // ---------------------------------------------------------------- configuration

  const defaults = { timelines: [], timeline: null, level_threshold: 0, time_zone: 'UTC', page_size: 20 };

  function readConfig() {
    const config = Object.assign({}, defaults);
    let given = {};
    const node = document.getElementById('roost-config');
    try {
      given = JSON.parse(node ? node.textContent : '{}');
    } catch (e) {
      given = {};  // not served by roost (the placeholder is still there)
    }
    if (!isObject(given)) given = {};
    if (Array.isArray(given.timelines)) {
      config.timelines = given.timelines.filter((t) => isObject(t) && typeof t.name === 'string');
    }
    if (typeof given.timeline === 'string') config.timeline = given.timeline;
    if (Number.isSafeInteger(given.level_threshold)) config.level_threshold = given.level_threshold;
    if (typeof given.time_zone === 'string' && given.time_zone !== '') config.time_zone = given.time_zone;
    if (typeof given.user === 'string' && given.user !== '') config.user = given.user;
    if (Number.isSafeInteger(given.page_size) && given.page_size > 0) {
      config.page_size = Math.min(given.page_size, 500);
    }
    if (config.timeline === null) {
      const m = /^\/timelines\/([^/]+)\/?$/.exec(location.pathname);
      if (m) {
        try {
          config.timeline = decodeURIComponent(m[1]);
        } catch (e) {
          config.timeline = null;
        }
      }
    }
    return config;
  }

  // ---------------------------------------------------------------- small helpers

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  function member(object, key) {
    return isObject(object) && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  // A member that is a non-empty string, else null.
  function stringMember(object, key) {
    const v = member(object, key);
    return typeof v === 'string' && v !== '' ? v : null;
  }

  function isHttpUrl(s) {
    return typeof s === 'string' && /^[Hh][Tt][Tt][Pp][Ss]?:\/\//.test(s);
  }

  function httpUrlMember(object, key) {
    const v = stringMember(object, key);
    return v !== null && isHttpUrl(v) ? v : null;
  }

  function integerValue(v) {
    return Number.isSafeInteger(v) ? v : null;
  }

  // The status's id as text: a string as is, an integer in decimal.
  function idText(status) {
    const id = member(status, 'id');
    if (typeof id === 'string') return id;
    if (Number.isSafeInteger(id)) return String(id);
    return '';
  }

  function statusLevel(status) {
    const level = integerValue(member(member(status, 'busybird'), 'level'));
    return level === null ? 0 : level;
  }

  function isAcked(status) {
    const acked = member(member(status, 'busybird'), 'acked_at');
    return acked !== undefined && acked !== null;
  }

  function encodeComponent(s) {
    try {
      return encodeURIComponent(s);
    } catch (e) {
      return null;  // lone surrogates
    }
  }

  // What the HTML parser does to the server's markup: NUL becomes U+FFFD, CR LF and CR
  // become LF. Applied here too, so that both renderings give the same DOM.
  function clean(s) {
    return s.replace(/\0/g, '\uFFFD').replace(/\r\n?/g, '\n');
  }

  function el(tag, cls, attributes) {
    const e = document.createElement(tag);
    if (cls) e.setAttribute('class', cls);
    if (attributes) for (const [name, value] of attributes) e.setAttribute(name, clean(value));
    return e;
  }

  function append(parent, ...children) {
    for (const child of children) {
      if (child === '') continue;  // no empty text nodes: the server's markup has none
      parent.appendChild(typeof child === 'string' ? document.createTextNode(clean(child)) : child);
    }
    return parent;
  }

  function link(cls, href) {
    return el('a', cls, [['href', href], ['target', '_blank'], ['rel', 'noopener noreferrer']]);
  }

  function image(cls, src) {
    const img = el('img', cls, [['src', src], ['alt', ''], ['loading', 'lazy'], ['referrerpolicy', 'no-referrer']]);
    return img;
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // ---------------------------------------------------------------- timestamps

  const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const zoneHours = { GMT: 0, UTC: 0, UT: 0, Z: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7 };

  function monthIndex(name) {
    return months.indexOf(name.toLowerCase());
  }

  // "+0900", "-05:30" -> minutes, or null.
  function numericOffset(text) {
    const m = /^([+-])(\d\d):?(\d\d)$/.exec(text);
    if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    return m[1] === '-' ? -minutes : minutes;
  }

  function makeDate(year, month, day, hour, minute, second, offsetMinutes) {
    if (month < 0 || month > 11 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
    const d = new Date(0);
    d.setUTCFullYear(year, month, day);  // also right for years below 100
    if (d.getUTCMonth() !== month || d.getUTCDate() !== day) return null;  // 31 Feb
    d.setUTCHours(hour, minute, second === 60 ? 59 : second, 0);
    return new Date(d.getTime() - offsetMinutes * 60000);
  }

  // The formats Roost accepts (docs/spec/status.md): Twitter, RFC 3339, RFC 822. Null otherwise.
  function parseTimestamp(text) {
    if (typeof text !== 'string') return null;
    let m = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.\d+)?([Zz]|[+-]\d\d:?\d\d)$/.exec(text);
    if (m) {
      const offset = /^[Zz]$/.test(m[7]) ? 0 : numericOffset(m[7]);
      if (offset === null) return null;
      return makeDate(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], offset);
    }
    m = /^([A-Za-z]{3}) +([A-Za-z]{3}) +(\d{1,2}) +(\d\d):(\d\d):(\d\d) +([+-]\d{4}) +(\d{4})$/.exec(text);
    if (m) {
      const offset = numericOffset(m[7]);
      if (weekdays.indexOf(m[1].toLowerCase()) < 0 || offset === null) return null;
      return makeDate(+m[8], monthIndex(m[2]), +m[3], +m[4], +m[5], +m[6], offset);
    }
    m = /^(?:([A-Za-z]{3}), *)?(\d{1,2}) +([A-Za-z]{3}) +(\d{2}|\d{4}) +(\d\d):(\d\d)(?::(\d\d))? +(\S+)$/.exec(text);
    if (m) {
      if (m[1] !== undefined && weekdays.indexOf(m[1].toLowerCase()) < 0) return null;
      let year = +m[4];
      if (m[4].length === 2) year += year < 50 ? 2000 : 1900;
      let offset = numericOffset(m[8]);
      if (offset === null && /^[+-]/.test(m[8]) === false && m[8].indexOf(':') < 0) {
        offset = Object.prototype.hasOwnProperty.call(zoneHours, m[8]) ? zoneHours[m[8]] * 60 : null;
      } else if (m[8].indexOf(':') >= 0) {
        offset = null;  // RFC 822 offsets have no colon
      }
      if (offset === null) return null;
      return makeDate(year, monthIndex(m[3]), +m[2], +m[5], +m[6], m[7] === undefined ? 0 : +m[7], offset);
    }
    return null;
  }

  // "2013-05-16T12:56:23Z", whole seconds, as the server's renderer writes `datetime`.
  function isoSeconds(date) {
    return date.toISOString().slice(0, 19) + 'Z';
  }

  function makeTimeFormatter(zone) {
    const options = {
      year: 'numeric', month: 'short', day: 'numeric',
      hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
    };
    try {
      const f = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: zone }, options));
      return { zone: zone, format: (d) => f.format(d) };
    } catch (e) {
      // An unknown zone name: show UTC rather than nothing.
      const f = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: 'UTC' }, options));
      return { zone: 'UTC', format: (d) => f.format(d), invalid: zone };
    }
  }

  // <time class datetime>formatted</time>; without datetime (and as given) when unparsable.
  function timeElement(cls, original, formatter) {
    const t = el('time', cls);
    const date = parseTimestamp(original);
    if (date !== null) {
      t.setAttribute('datetime', isoSeconds(date));
      append(t, formatter.format(date));
    } else {
      append(t, original);
    }
    return t;
  }

  // Re-formats times rendered by the server (statuses.html) in the configured zone.
  function localizeTimes(root, formatter) {
    for (const t of root.querySelectorAll('time[datetime]')) {
      const d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d.getTime())) t.textContent = formatter.format(d);
    }
  }

  // ---------------------------------------------------------------- rendering a status

  const maxTextEntities = 1000;
  const maxMediaImages = 16;

  // Entities of `content` with valid indices, in the order status_html.cpp uses.
  function textEntities(content, length) {
    const found = [];
    const collect = (holder, key, kind) => {
      const list = member(holder, key);
      if (!Array.isArray(list)) return;
      for (const e of list) {
        if (found.length >= maxTextEntities) return;
        const indices = member(e, 'indices');
        if (!Array.isArray(indices) || indices.length < 2) continue;
        const start = integerValue(indices[0]);
        const end = integerValue(indices[1]);
        if (start === null || end === null || start < 0 || start >= end || end > length) continue;
        found.push({ start, end, kind, entity: e });
      }
    };
    const entities = isObject(member(content, 'entities')) ? content.entities : null;
    const extended = isObject(member(content, 'extended_entities')) ? content.extended_entities : null;
    collect(entities, 'urls', 'url');
    collect(entities, 'media', 'url');
    collect(extended, 'media', 'url');
    collect(entities, 'hashtags', 'hashtag');
    collect(entities, 'user_mentions', 'mention');
    // Array.prototype.sort is stable.
    found.sort((a, b) => a.start - b.start);
    return found;
  }

  function entityHref(e) {
    if (e.kind === 'url') return httpUrlMember(e.entity, 'expanded_url') || httpUrlMember(e.entity, 'url');
    if (e.kind === 'hashtag') {
      const tag = stringMember(e.entity, 'text');
      const query = tag === null ? null : encodeComponent('#' + tag);
      return query === null ? null : 'https://twitter.com/search?q=' + query;
    }
    const name = stringMember(e.entity, 'screen_name');
    const path = name === null ? null : encodeComponent(name);
    return path === null ? null : 'https://twitter.com/' + path;
  }

  function renderText(content) {
    const div = el('div', 'status-text');
    const text = member(content, 'text');
    if (typeof text !== 'string') return div;
    const points = Array.from(text);  // code points, as entity indices count them
    const slice = (from, to) => points.slice(from, to).join('');
    let done = 0;
    for (const e of textEntities(content, points.length)) {
      if (e.start < done) continue;  // overlaps the previous entity
      const href = entityHref(e);
      if (href === null) continue;
      append(div, slice(done, e.start));
      const cls = e.kind === 'url' ? 'status-link' : e.kind === 'hashtag' ? 'status-hashtag' : 'status-mention';
      const display = e.kind === 'url' ? stringMember(e.entity, 'display_url') : null;
      div.appendChild(append(link(cls, href), display !== null ? display : slice(e.start, e.end)));
      done = e.end;
    }
    append(div, slice(done, points.length));
    return div;
  }

  function renderMedia(content) {
    let list = null;
    const extended = member(member(content, 'extended_entities'), 'media');
    if (Array.isArray(extended) && extended.length > 0) list = extended;
    if (list === null) {
      const plain = member(member(content, 'entities'), 'media');
      if (Array.isArray(plain)) list = plain;
    }
    if (list === null) return null;
    const div = el('div', 'status-media');
    let shown = 0;
    for (const m of list) {
      if (shown >= maxMediaImages) break;
      const src = httpUrlMember(m, 'media_url_https') || httpUrlMember(m, 'media_url');
      if (src === null) continue;
      const href = httpUrlMember(m, 'expanded_url') || src;
      div.appendChild(append(link('status-media-link', href), image('status-media-image', src)));
      ++shown;
    }
    return shown > 0 ? div : null;
  }

  function busybirdUrl(status, key) {
    return httpUrlMember(member(status, 'busybird'), key);
  }

  // One status as an <li>; the same markup as status_html.cpp.
  function renderStatus(status, formatter) {
    const acked = isAcked(status);
    const level = statusLevel(status);
    const li = el('li', acked ? 'status acked' : 'status unacked');
    if (isObject(status) && Object.prototype.hasOwnProperty.call(status, 'id')) li.setAttribute('data-id', clean(idText(status)));
    li.setAttribute('data-level', String(level));

    const inner = isObject(member(status, 'retweeted_status')) ? status.retweeted_status : null;
    const content = inner !== null ? inner : status;
    if (inner !== null) {
      const repost = el('div', 'status-repost');
      const reposter = isObject(member(status, 'user')) ? status.user : null;
      const label = reposter === null ? null
        : stringMember(reposter, 'name') || (stringMember(reposter, 'screen_name') !== null ? '@' + reposter.screen_name : null);
      if (label !== null) {
        const url = busybirdUrl(status, 'user_permalink');
        append(repost, 'Reposted by ', append(url !== null ? link('status-repost-user', url) : el('span', 'status-repost-user'), label));
      } else {
        append(repost, 'Reposted');
      }
      li.appendChild(repost);
    }

    const user = isObject(member(content, 'user')) ? content.user : null;
    const avatarBox = el('div', 'status-avatar');
    if (user !== null) {
      const avatar = httpUrlMember(user, 'profile_image_url_https') || httpUrlMember(user, 'profile_image_url');
      if (avatar !== null) avatarBox.appendChild(image('status-avatar-image', avatar));
    }
    li.appendChild(avatarBox);

    const main = el('div', 'status-main');
    const header = el('div', 'status-header');
    const name = user === null ? null : stringMember(user, 'name');
    const screenName = user === null ? null : stringMember(user, 'screen_name');
    if (name !== null || screenName !== null) {
      const url = busybirdUrl(content, 'user_permalink');
      const who = url !== null ? link('status-user', url) : el('span', 'status-user');
      if (name !== null) who.appendChild(append(el('span', 'status-user-name'), name));
      if (screenName !== null) who.appendChild(append(el('span', 'status-screen-name'), '@' + screenName));
      header.appendChild(who);
    }
    main.appendChild(header);
    main.appendChild(renderText(content));
    const media = renderMedia(content);
    if (media !== null) main.appendChild(media);

    const footer = el('div', 'status-footer');
    let permalink = busybirdUrl(content, 'status_permalink');
    if (permalink === null && inner !== null) permalink = busybirdUrl(status, 'status_permalink');
    const createdAt = stringMember(content, 'created_at');
    if (permalink !== null || createdAt !== null) {
      const holder = permalink !== null ? link('status-permalink', permalink) : el('span', 'status-permalink');
      append(holder, createdAt !== null ? timeElement('status-time', createdAt, formatter) : 'permalink');
      footer.appendChild(holder);
    }
    footer.appendChild(append(el('span', 'status-level'), 'level ' + level));
    const state = el('span', 'status-state');
    if (acked) {
      append(state, 'acked');
      const ackedAt = member(status.busybird, 'acked_at');
      if (typeof ackedAt === 'string' && ackedAt !== '') {
        append(state, ' ', timeElement('status-acked-time', ackedAt, formatter));
      }
    } else {
      append(state, 'unacked');
    }
    footer.appendChild(state);
    main.appendChild(footer);
    li.appendChild(main);

    for (const img of li.querySelectorAll('img')) {
      img.addEventListener('error', () => img.classList.add('broken'), { once: true });
    }
    return li;
  }

  // ---------------------------------------------------------------- talking to the server

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function request(url, options) {
    let response;
    try {
      response = await fetch(url, Object.assign({ cache: 'no-store', credentials: 'same-origin' }, options || {}));
    } catch (e) {
      throw new ApiError(0, 'the server cannot be reached');
    }
    if (response.status === 401) {
      // Logged out, expired or never logged in: the login page brings the reader back here.
      window.location.assign('/login?next=' + encodeURIComponent(window.location.pathname + window.location.search));
      throw new ApiError(401, 'log in to go on');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok || !isObject(body) || (body.error !== null && body.error !== undefined)) {
      const message = isObject(body) && typeof body.error === 'string' ? body.error : 'HTTP ' + response.status;
      throw new ApiError(response.status, message);
    }
    return body;
  }

  function postJson(url, value) {
    return request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify(value),
    });
  }

  function timelinePath(name) {
    return '/timelines/' + encodeURIComponent(name);
  }

  function query(pairs) {
    const parts = pairs.map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
    return parts.length ? '?' + parts.join('&') : '';
  }

  // Clean counts: {"total": n, "<level>": n} with integers only.
  function cleanCounts(counts) {
    const out = { total: 0 };
    if (!isObject(counts)) return out;
    for (const key of Object.keys(counts)) {
      if ((key === 'total' || /^-?\d+$/.test(key)) && Number.isSafeInteger(counts[key])) out[key] = counts[key];
    }
    return out;
  }

  // Unacked statuses at `threshold` or above.
  function countAtOrAbove(counts, threshold) {
    if (counts === null) return 0;
    let n = 0;
    for (const key of Object.keys(counts)) {
      if (key !== 'total' && Number(key) >= threshold) n += counts[key];
    }
    return n;
  }

  function sameCounts(a, b) {
    const keys = new Set(Object.keys(a).concat(Object.keys(b)));
    for (const k of keys) if ((a[k] || 0) !== (b[k] || 0)) return false;
    return true;
  }

  // Runs `once()` forever: a long poll. Backs off after failures and after answers that
  // came back at once unchanged; stops when `once` returns false.
  async function pollLoop(once, onTrouble) {
    let delay = 1000;
    for (;;) {
      const started = Date.now();
      let result;
      try {
        result = await once();
        delay = 1000;
        onTrouble(null);
      } catch (e) {
        if (e instanceof ApiError && e.status >= 400 && e.status < 500) {
          onTrouble(e.message);
          return;
        }
        onTrouble('Connection lost; retrying…');
        await sleep(delay);
        delay = Math.min(delay * 2, 30000);
        continue;
      }
      if (result === false) return;
      if (result === 'unchanged' && Date.now() - started < 500) await sleep(1000);
    }
  }

  function showMessage(node, text) {
    node.textContent = text || '';
    node.hidden = !text;
  }

  // ---------------------------------------------------------------- the timeline list (/)

  function initIndex(config) {
    const list = document.getElementById('timelines');
    const connection = document.getElementById('connection');
    const none = document.getElementById('no-timelines');
    const counts = new Map();
    const rows = new Map();

    if (config.timelines.length === 0) {
      none.hidden = false;
      return;
    }
    for (const t of config.timelines) {
      const li = el('li', 'timeline-entry');
      const a = el('a', 'timeline-link', [['href', timelinePath(t.name) + '/']]);
      a.appendChild(append(el('span', 'timeline-name'), t.name));
      const count = el('span', 'timeline-count', [['data-count', '']]);
      append(count, '…');
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
      const parts = Object.keys(c).filter((k) => k !== 'total').map(Number).sort((a, b) => b - a)
        .map((level) => 'level ' + level + ': ' + c[String(level)]);
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

  // ---------------------------------------------------------------- the timeline page

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
    };
    if (name === null) {
      showMessage(ui.message, 'No timeline named in this page.');
      return;
    }
    const path = timelinePath(name);
    const formatter = makeTimeFormatter(config.time_zone);
    const storageKey = 'roost.level_threshold.' + name;

    const state = {
      entries: [],        // displayed statuses in timeline order: {status, id, li}
      latest: null,       // the newest unacked counts the server told us
      baseline: null,     // the counts when the list was loaded
      reachedEnd: false,  // nothing older than the last displayed status
      currentId: null,    // the status j/k is on
      fresh: 0,           // unacked statuses at or above the threshold not in the list
      busy: false,
      threshold: config.level_threshold,
    };

    try {
      const stored = window.localStorage.getItem(storageKey);
      if (stored !== null && /^-?\d+$/.test(stored)) state.threshold = Number(stored);
    } catch (e) {
      // storage unavailable: keep the configured threshold
    }

    ui.name.textContent = clean(name);
    ui.zone.textContent = 'Times in ' + formatter.zone + (formatter.invalid ? ' (unknown zone ' + formatter.invalid + ')' : '') + '.';

    // --- counts, title and summary

    function unreadCount() {
      return countAtOrAbove(state.latest, state.threshold);
    }

    function updateTitle() {
      const unread = unreadCount();
      document.title = (unread > 0 ? '(' + unread + ') ' : '') + name + ' · Roost';
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
      for (const e of state.entries) levels.add(statusLevel(e.status));
      if (state.latest !== null) {
        for (const k of Object.keys(state.latest)) if (k !== 'total') levels.add(Number(k));
      }
      const sorted = Array.from(levels).sort((a, b) => a - b);
      const existing = Array.from(ui.threshold.options).map((o) => Number(o.value));
      if (existing.length !== sorted.length || existing.some((v, i) => v !== sorted[i])) {
        ui.threshold.textContent = '';
        for (const level of sorted) {
          const option = el('option', null, [['value', String(level)]]);
          option.textContent = 'level ≥ ' + level;
          ui.threshold.appendChild(option);
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
        const below = statusLevel(e.status) < state.threshold;
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
      ui.empty.hidden = state.entries.length !== hidden;
      ui.empty.textContent = state.entries.length === 0 ? 'No statuses.' : 'Every status shown is below the level threshold.';
      const current = entryById(state.currentId);
      if (current && current.li.hidden) setCurrent(null);
      updateAckButton();
    }

    function updateAckButton() {
      const unacked = state.entries.filter((e) => !isAcked(e.status)).length;
      ui.ack.disabled = unacked === 0 || state.busy;
      ui.ack.textContent = unacked > 0 ? 'Ack ' + unacked + ' shown' : 'Nothing to ack';
    }

    function updateOlder() {
      ui.older.hidden = state.reachedEnd || state.entries.length === 0;
      ui.end.hidden = !(state.reachedEnd && state.entries.length > 0);
    }

    function entryById(id) {
      if (id === null) return null;
      return state.entries.find((e) => e.id === id) || null;
    }

    function makeEntry(status) {
      return { status, id: idText(status), li: renderStatus(status, formatter) };
    }

    function setEntries(statuses) {
      state.entries = statuses.map(makeEntry);
      ui.list.textContent = '';
      for (const e of state.entries) ui.list.appendChild(e.li);
      afterListChange();
    }

    function appendEntries(statuses) {
      const known = new Set(state.entries.map((e) => e.id));
      for (const s of statuses) {
        const e = makeEntry(s);
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

    async function fetchStatuses(pairs) {
      const body = await request(path + '/statuses.json' + query(pairs));
      return Array.isArray(body.statuses) ? body.statuses.filter(isObject) : [];
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
      const countsBody = await request(path + '/updates/unacked_counts.json');
      const statuses = await fetchStatuses([['count', count]]);
      state.baseline = cleanCounts(countsBody.unacked_counts);
      state.reachedEnd = statuses.length < count;
      setEntries(statuses);
      // A poll in flight may still report older counts; it is answered again at once
      // because the server's counts differ from what it stated.
      onCounts(state.baseline);
    }

    const loadOlder = withBusy(async () => {
      if (state.reachedEnd || state.entries.length === 0) return;
      const last = state.entries[state.entries.length - 1];
      const statuses = await fetchStatuses([['max_id', last.id], ['count', config.page_size + 1]]);
      // max_id is inclusive: the first answer is the last status shown.
      const older = statuses.length > 0 && idText(statuses[0]) === last.id ? statuses.slice(1) : statuses;
      if (statuses.length < config.page_size + 1) state.reachedEnd = true;
      appendEntries(older);
    });

    const showNew = withBusy(async () => {
      const fresh = state.fresh;
      const count = Math.min(Math.max(config.page_size, state.entries.length + fresh), 500);
      await loadNewest(count);
      setCurrent(null);
      window.scrollTo(0, 0);
    });

    // Acks the displayed unacked statuses, hidden ones included. When every unacked
    // status of the timeline is displayed, `max_id` (the newest of them) says it in one
    // id; otherwise their `ids`, so that nothing the reader has not seen is acked.
    const ack = withBusy(async () => {
      const unacked = state.entries.filter((e) => !isAcked(e.status));
      if (unacked.length === 0) return;
      const everyUnackedShown = state.latest !== null && state.latest.total === unacked.length;
      const body = everyUnackedShown
        ? { max_id: unacked[0].status.id }
        : { ids: unacked.map((e) => e.status.id) };
      await postJson(path + '/ack.json', body);
      // Acked statuses move below the unacked ones: start again from the newest.
      await loadNewest(config.page_size);
      setCurrent(null);
      window.scrollTo(0, 0);
    });

    // --- keyboard and cursor

    function markCurrent(entry) {
      for (const li of ui.list.querySelectorAll('li.current')) {
        li.classList.remove('current');
        li.removeAttribute('aria-current');
      }
      if (entry === null) return;
      entry.li.classList.add('current');
      entry.li.setAttribute('aria-current', 'true');
    }

    function setCurrent(entry) {
      state.currentId = entry === null ? null : entry.id;
      markCurrent(entry);
      if (entry !== null) {
        entry.li.tabIndex = -1;
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

    document.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      const target = event.target;
      if (target instanceof Element && target.closest('input, textarea, [contenteditable]')) return;
      switch (event.key) {
        case 'j': move(1); break;
        case 'k': move(-1); break;
        case 'a': ack(); break;
        case 'n': showNew(); break;
        case 'o': openCurrent(); break;
        default: return;
      }
      event.preventDefault();
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
    ui.newStatuses.addEventListener('click', () => showNew());
    ui.older.addEventListener('click', () => loadOlder());

    // --- start

    const trouble = (message) => showMessage(ui.connection, message);

    async function start() {
      updateTitle();
      updateThresholdOptions();
      await withBusy(() => loadNewest(config.page_size))();
      pollLoop(async () => {
        // The first load failed (server away): try again before waiting for news.
        if (state.baseline === null) await withBusy(() => loadNewest(config.page_size))();
        const pairs = [];
        if (state.latest !== null) {
          pairs.push(['total', state.latest.total]);
          for (const k of Object.keys(state.latest)) if (k !== 'total') pairs.push([k, state.latest[k]]);
        }
        const body = await request(path + '/updates/unacked_counts.json' + query(pairs));
        const counts = cleanCounts(body.unacked_counts);
        const unchanged = state.latest !== null && sameCounts(state.latest, counts);
        onCounts(counts);
        return unchanged ? 'unchanged' : true;
      }, trouble);
    }
    start();
  }

  // ---------------------------------------------------------------- entry point

  const config = readConfig();
  const page = document.body.getAttribute('data-page');
  if (config.user) {
    // Logged in through the login page: who, and the way out.
    const logout = document.getElementById('logout');
    const userName = document.getElementById('user-name');
    if (logout && userName) {
      userName.textContent = config.user;
      logout.hidden = false;
    }
  }
  if (page === 'index') initIndex(config);
  else if (page === 'timeline') initTimeline(config);

  // For tests and for pages that insert statuses.html output.
  window.roostViewer = { renderStatus, parseTimestamp, isoSeconds, localizeTimes, makeTimeFormatter };
})();
