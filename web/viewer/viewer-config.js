// The page's settings: what the roost binary put into
// <script type="application/json" id="roost-config"> (web/src/pages.cpp), checked member
// by member, with a default for anything missing or of the wrong type.

const defaults = { timelines: [], timeline: null, level_threshold: 0, time_zone: '', page_size: 20 };

// The most statuses the viewer asks for at once, whatever the configured page size.
export const maxCount = 500;

// { timelines: [{name}], timeline: name or null, level_threshold, time_zone ('' for the
//   browser's own), page_size, user (only when logged in), missing (the timeline a 404
//   page was asked for) }. Never throws.
export function readConfig() {
  const config = Object.assign({}, defaults);
  const node = document.getElementById('roost-config');
  let given = {};
  try {
    given = JSON.parse(node ? node.textContent : '{}');
  } catch (e) {
    given = {};  // not served by roost (the placeholder is still there)
  }
  if (given === null || typeof given !== 'object') given = {};
  if (Array.isArray(given.timelines)) {
    config.timelines = given.timelines.filter((t) => t !== null && typeof t === 'object' && typeof t.name === 'string');
  }
  if (typeof given.timeline === 'string') config.timeline = given.timeline;
  if (Number.isSafeInteger(given.level_threshold)) config.level_threshold = given.level_threshold;
  if (typeof given.time_zone === 'string') config.time_zone = given.time_zone;
  if (typeof given.missing === 'string') config.missing = given.missing;
  if (typeof given.user === 'string' && given.user !== '') config.user = given.user;
  if (Number.isSafeInteger(given.page_size) && given.page_size > 0) {
    config.page_size = Math.min(given.page_size, maxCount);
  }
  if (config.timeline === null) {
    // Served without settings: the timeline page's own path names the timeline.
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
