// Talking to the server (docs/spec/web-api.md): requests that answer JSON or HTML, the
// paths and query strings of the API, and the long-poll loop. Every failure is an
// ApiError; a 401 sends the reader to the login page.

export class ApiError extends Error {
  // `status` is the HTTP status, 0 when the server could not be reached.
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function timelinePath(name) {
  return '/timelines/' + encodeURIComponent(name);
}

// [[key, value], ...] -> "?key=value&...", or "" for none.
export function query(pairs) {
  const parts = pairs.map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
  return parts.length ? '?' + parts.join('&') : '';
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The response, whatever its status but 401; throws ApiError(0) when nothing came back.
async function send(url, options) {
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
  return response;
}

async function bodyText(response) {
  try {
    return await response.text();
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached');  // cut off in the middle
  }
}

// The answer's JSON object; an answer whose `error` is not null is an ApiError with it.
export async function request(url, options) {
  const response = await send(url, options);
  let body = null;
  try {
    body = JSON.parse(await bodyText(response));
  } catch (e) {
    if (e instanceof ApiError) throw e;
    body = null;
  }
  if (!response.ok || !isObject(body) || (body.error !== null && body.error !== undefined)) {
    const message = isObject(body) && typeof body.error === 'string' ? body.error : 'HTTP ' + response.status;
    throw new ApiError(response.status, message);
  }
  return body;
}

export function postJson(url, value) {
  return request(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  });
}

// An HTML answer (statuses.html) as a DocumentFragment, inert: parsed in a <template>, so
// nothing in it loads or runs until it is put into the page. An error answer is an
// ApiError with its message: `<p class="error">` from statuses.html, or the JSON `error`
// of the layers before it (login, access, limits).
export async function requestHtml(url) {
  const response = await send(url);
  const text = await bodyText(response);
  const template = document.createElement('template');
  if (!response.ok) {
    let message = null;
    if (/^application\/json/i.test(response.headers.get('Content-Type') || '')) {
      try {
        const body = JSON.parse(text);
        if (isObject(body) && typeof body.error === 'string') message = body.error;
      } catch (e) {
        message = null;
      }
    } else {
      template.innerHTML = text;
      const p = template.content.querySelector('p.error');
      if (p !== null) message = p.textContent;
    }
    throw new ApiError(response.status, message || 'HTTP ' + response.status);
  }
  template.innerHTML = text;
  return template.content;
}

// Runs `once()` again and again: a long poll. Backs off after failures and after answers
// that came back at once unchanged ('unchanged'); stops when `once` returns false or fails
// with a 4xx. `onTrouble(message)` shows what is wrong, `onTrouble(null)` that it is over.
export async function pollLoop(once, onTrouble) {
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
