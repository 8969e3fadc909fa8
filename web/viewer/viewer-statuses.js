// A timeline's statuses as the server renders them. The viewer renders no status itself:
// it inserts the <li> elements statuses.html answers (web/src/status_html.cpp) and reads
// what it needs from their data attributes (docs/spec/web-api.md, statuses.html).

import { query, requestHtml, timelinePath } from './viewer-net.js';
import { localizeTimes } from './viewer-time.js';

// One displayed status: { id, level, acked, li }.
function entryOf(li) {
  const level = Number(li.getAttribute('data-level'));
  return {
    id: li.getAttribute('data-id') || '',
    level: Number.isSafeInteger(level) ? level : 0,
    acked: li.getAttribute('data-acked') === 'true',
    li,
  };
}

// The statuses of `timeline` that statuses.html answers for `pairs` (ack_state, max_id,
// count), newest first, with their times in the formatter's zone. Their <li> elements are
// in no document yet: images load once the caller puts them into the page, and an image
// that fails is hidden (class `broken`) rather than shown as a broken icon.
export async function fetchStatuses(timeline, pairs, formatter) {
  const fragment = await requestHtml(timelinePath(timeline) + '/statuses.html' + query(pairs));
  const entries = [];
  for (const li of Array.from(fragment.children)) {
    if (li.localName !== 'li' || !li.classList.contains('status')) continue;
    localizeTimes(li, formatter);
    for (const img of li.querySelectorAll('img')) {
      img.addEventListener('error', () => img.classList.add('broken'), { once: true });
    }
    entries.push(entryOf(li));
  }
  return entries;
}
