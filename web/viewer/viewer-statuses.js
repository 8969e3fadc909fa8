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

// A media image that did not load leaves its link, saying so, where the image would be
// (an avatar that fails is only hidden: it says nothing the name does not).
function showBroken(img) {
  img.classList.add('broken');
  if (!img.classList.contains('status-media-image')) return;
  const link = img.closest('a');
  const fallback = document.createElement('a');
  fallback.className = 'media-fallback';
  fallback.href = link ? link.href : img.src;
  fallback.target = '_blank';
  fallback.rel = 'noopener noreferrer';
  fallback.textContent = 'Image did not load: open it';
  (link || img).after(fallback);
}

// The statuses of `timeline` that statuses.html answers for `pairs` (ack_state, max_id,
// count), newest first, with their times in the formatter's zone. Their <li> elements are
// in no document yet: images load once the caller puts them into the page, and an image
// that fails is hidden (class `broken`) rather than shown as a broken icon. Each status
// can be reached with Tab.
export async function fetchStatuses(timeline, pairs, formatter) {
  const fragment = await requestHtml(timelinePath(timeline) + '/statuses.html' + query(pairs));
  const entries = [];
  for (const li of Array.from(fragment.children)) {
    if (li.localName !== 'li' || !li.classList.contains('status')) continue;
    localizeTimes(li, formatter);
    li.tabIndex = 0;
    for (const img of li.querySelectorAll('img')) {
      img.addEventListener('error', () => showBroken(img), { once: true });
    }
    entries.push(entryOf(li));
  }
  return entries;
}
