#!/usr/bin/env node
// A stand-in for `roost serve`, in memory, for developing the viewer and its browser test
// without the real server: just enough of docs/spec/web-api.md (statuses GET/POST,
// ack, both long polls, the pages and /static/). Not a reference implementation: the real
// server's own HTTP tests cover the API.
//
//   node mock_server.js [--port N] [--timeline NAME]... [--hidden NAME]...
// Prints "listening on http://127.0.0.1:PORT" when ready. With ROOST_RENDER_TOOL set to an
// executable that turns a JSON array of statuses (stdin) into <li> elements (stdout),
// statuses.html answers through it; otherwise statuses.html is a 501.
'use strict';

const http = require('http');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const viewerDir = path.join(__dirname, '..', '..', 'web', 'viewer');
const idleBoundMs = 30000;

// ---------------------------------------------------------------- options

const options = { port: 0, timelines: [], hidden: new Set(), timeZone: 'UTC', pageSize: 20 };
for (let i = 2; i < process.argv.length; ++i) {
  const arg = process.argv[i];
  const value = process.argv[i + 1];
  if (arg === '--port') options.port = Number(value), ++i;
  else if (arg === '--timeline') options.timelines.push(value), ++i;
  else if (arg === '--hidden') options.timelines.push(value), options.hidden.add(value), ++i;
  else if (arg === '--time-zone') options.timeZone = value, ++i;
  else if (arg === '--page-size') options.pageSize = Number(value), ++i;
  else {
    console.error('unknown argument ' + arg);
    process.exit(2);
  }
}
if (options.timelines.length === 0) options.timelines = ['home'];

// ---------------------------------------------------------------- the store

const timelines = new Map(options.timelines.map((name) => [name, new Map()]));
let nextId = 1;
const waiters = new Set();  // long polls: {check()} called after every change

function levelOf(s) {
  const b = s.busybird;
  return b && Number.isInteger(b.level) ? b.level : 0;
}
function ackedAt(s) {
  return s.busybird && s.busybird.acked_at != null ? s.busybird.acked_at : null;
}
function time(text) {
  if (text == null) return Infinity;  // no created_at: newer than any
  const t = Date.parse(text);
  return isNaN(t) ? 0 : t;
}
function idText(id) {
  return typeof id === 'string' ? id : String(id);
}

// Timeline order (docs/spec/status.md), newest first.
function compare(a, b) {
  const aa = ackedAt(a), ba = ackedAt(b);
  if ((aa === null) !== (ba === null)) return aa === null ? -1 : 1;
  if (aa !== null && time(aa) !== time(ba)) return time(ba) - time(aa);
  const ca = time(a.created_at), cb = time(b.created_at);
  if (ca !== cb) return cb > ca ? 1 : -1;
  return Buffer.compare(Buffer.from(idText(b.id)), Buffer.from(idText(a.id)));
}

function ordered(name) {
  return Array.from(timelines.get(name).values()).sort(compare);
}

function counts(name) {
  const c = { total: 0 };
  for (const s of timelines.get(name).values()) {
    if (ackedAt(s) !== null) continue;
    c.total++;
    const key = String(levelOf(s));
    c[key] = (c[key] || 0) + 1;
  }
  return c;
}

function twitterNow() {
  const d = new Date();
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

function changed() {
  for (const w of Array.from(waiters)) w.check();
}

function ack(name, ids, maxId) {
  const list = ordered(name);
  const targets = new Set();
  if (ids === undefined && maxId === undefined) {
    for (const s of list) if (ackedAt(s) === null) targets.add(s);
  }
  if (ids !== undefined) {
    for (const id of [].concat(ids)) {
      const s = timelines.get(name).get(idText(id));
      if (s && ackedAt(s) === null) targets.add(s);
    }
  }
  if (maxId !== undefined) {
    const at = list.findIndex((s) => idText(s.id) === idText(maxId));
    if (at >= 0 && ackedAt(list[at]) === null) {
      for (const s of list.slice(at)) if (ackedAt(s) === null) targets.add(s);
    }
  }
  const now = twitterNow();
  for (const s of targets) {
    if (typeof s.busybird !== 'object' || s.busybird === null) s.busybird = {};
    s.busybird.acked_at = now;
  }
  if (targets.size > 0) changed();
  return targets.size;
}

// ---------------------------------------------------------------- HTTP

function send(res, status, type, body, headers) {
  res.writeHead(status, Object.assign({ 'Content-Type': type, 'Cache-Control': 'no-store' }, headers || {}));
  res.end(body);
}
function sendJson(res, status, value) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
function error(res, status, message) {
  sendJson(res, status, { error: message });
}

const csp = "default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'";
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };

function page(res, file, settings) {
  const json = JSON.stringify(settings).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  const html = fs.readFileSync(path.join(viewerDir, file), 'utf8').replace('{{ROOST_CONFIG}}', () => json);
  send(res, 200, 'text/html; charset=utf-8', html, { 'Content-Security-Policy': csp });
}

function settings(extra) {
  return Object.assign({
    timelines: options.timelines.filter((t) => !options.hidden.has(t)).map((t) => ({ name: t, hidden: false })),
    level_threshold: 0,
    time_zone: options.timeZone,
    page_size: options.pageSize,
  }, extra);
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function differs(c, stated) {
  for (const [k, v] of stated) if ((c[k] || 0) !== v) return true;
  return false;
}

// Holds `res` until `ready()` returns an answer (or the idle bound passes).
function hold(req, res, ready, idle) {
  const now = ready();
  if (now !== null) return sendJson(res, 200, now);
  const waiter = {
    check() {
      const answer = ready();
      if (answer !== null) finish(answer);
    },
  };
  const timer = setTimeout(() => finish(idle()), idleBoundMs);
  function finish(answer) {
    waiters.delete(waiter);
    clearTimeout(timer);
    if (!res.writableEnded) sendJson(res, 200, answer);
  }
  waiters.add(waiter);
  req.on('close', () => {
    waiters.delete(waiter);
    clearTimeout(timer);
  });
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://mock');
  const segments = url.pathname.split('/').slice(1);
  let decoded;
  try {
    decoded = segments.map(decodeURIComponent);
  } catch (e) {
    return error(res, 400, 'bad percent-encoding');
  }
  const q = url.searchParams;

  if (req.method === 'GET' && url.pathname === '/') return page(res, 'index.html', settings());
  if (req.method === 'GET' && decoded[0] === 'static' && decoded.length === 2) {
    const file = decoded[1];
    if (!/^[\w.-]+$/.test(file) || !fs.existsSync(path.join(viewerDir, file))) return error(res, 404, 'no such asset');
    return send(res, 200, types[path.extname(file)] || 'application/octet-stream', fs.readFileSync(path.join(viewerDir, file)));
  }
  if (req.method === 'GET' && url.pathname === '/updates/unacked_counts.json') {
    const level = q.get('level') || 'total';
    const stated = [];
    for (const [k, v] of q) if (k.startsWith('tl_') && timelines.has(k.slice(3))) stated.push([k.slice(3), Number(v)]);
    if (stated.length === 0) return error(res, 400, 'no served timeline named');
    const answer = (all) => {
      const out = {};
      for (const [name, v] of stated) {
        const c = counts(name);
        if (all || (c[level] || 0) !== v) out[name] = c;
      }
      return Object.keys(out).length ? { error: null, unacked_counts: out } : null;
    };
    return hold(req, res, () => answer(false), () => answer(true));
  }
  if (decoded[0] !== 'timelines' || decoded.length < 3) return error(res, 404, 'no such path');
  const name = decoded[1];
  if (!timelines.has(name)) return error(res, 404, 'unknown timeline ' + JSON.stringify(name));
  const rest = decoded.slice(2).join('/');

  if (rest === '' && req.method === 'GET') return page(res, 'timeline.html', settings({ timeline: name }));
  if (rest === 'statuses.json' && req.method === 'POST') {
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      return error(res, 400, 'bad JSON');
    }
    let added = 0;
    for (const s of [].concat(body)) {
      if (s === null || typeof s !== 'object' || Array.isArray(s)) return error(res, 400, 'not a status');
      if (s.id == null) s.id = 'mock-' + nextId++;
      if (s.created_at == null) s.created_at = twitterNow();
      const key = idText(s.id);
      if (timelines.get(name).has(key)) continue;
      timelines.get(name).set(key, s);
      added++;
    }
    if (added > 0) changed();
    return sendJson(res, 200, { error: null, count: added });
  }
  if ((rest === 'statuses.json' || rest === 'statuses.html') && req.method === 'GET') {
    const count = q.has('count') ? Number(q.get('count')) : 20;
    const state = q.get('ack_state') || 'any';
    let list = ordered(name).filter((s) => state === 'any' || (state === 'acked') === (ackedAt(s) !== null));
    if (q.has('max_id')) {
      const at = list.findIndex((s) => idText(s.id) === q.get('max_id'));
      list = at < 0 ? [] : list.slice(at);
    }
    list = list.slice(0, count);
    if (rest === 'statuses.json') return sendJson(res, 200, { error: null, statuses: list });
    if (!process.env.ROOST_RENDER_TOOL) return error(res, 501, 'statuses.html needs ROOST_RENDER_TOOL');
    const html = execFileSync(process.env.ROOST_RENDER_TOOL, { input: JSON.stringify(list) });
    return send(res, 200, 'text/html; charset=utf-8', html);
  }
  if (rest === 'ack.json' && req.method === 'POST') {
    const text = await readBody(req);
    let body = {};
    try {
      if (text.trim() !== '') body = JSON.parse(text);
    } catch (e) {
      return error(res, 400, 'bad JSON');
    }
    const ids = body.ids == null ? undefined : body.ids;
    const maxId = body.max_id == null ? undefined : body.max_id;
    return sendJson(res, 200, { error: null, count: ack(name, ids, maxId) });
  }
  if (rest === 'updates/unacked_counts.json' && req.method === 'GET') {
    const stated = [];
    for (const [k, v] of q) stated.push([k, Number(v)]);
    const answer = () => {
      const c = counts(name);
      return stated.length === 0 || differs(c, stated) ? { error: null, unacked_counts: c } : null;
    };
    return hold(req, res, answer, () => ({ error: null, unacked_counts: counts(name) }));
  }
  return error(res, 404, 'no such path');
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error(e);
    if (!res.headersSent) error(res, 500, String(e));
  });
});
server.listen(options.port, '127.0.0.1', () => {
  console.log('listening on http://127.0.0.1:' + server.address().port);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const w of waiters) w.check();
    server.close();
    process.exit(0);
  });
}
