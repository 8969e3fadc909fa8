// Times in the configured zone. The server writes each time as the status gave it, inside
// a <time> element whose `datetime` is the instant in UTC (statuses.html); the viewer
// replaces the text with how long ago that was (recent ones) or the instant formatted in
// the zone the configuration names, which the title always holds.

const options = {
  year: 'numeric', month: 'short', day: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
};

// { zone, format(date), invalid }: `invalid` is the configured name when the browser does
// not know it, and the times are then shown in UTC rather than not at all. No zone
// configured: the browser's own.
export function makeTimeFormatter(zone) {
  if (!zone) {
    const f = new Intl.DateTimeFormat(undefined, options);
    return { zone: f.resolvedOptions().timeZone, format: (d) => f.format(d), invalid: null };
  }
  try {
    const f = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: zone }, options));
    return { zone, format: (d) => f.format(d), invalid: null };
  } catch (e) {
    const f = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: 'UTC' }, options));
    return { zone: 'UTC', format: (d) => f.format(d), invalid: zone };
  }
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const week = 7 * 24 * 3600 * 1000;

// "now", "3 min. ago", "5 hr. ago", "yesterday" for the last week; older instants (and
// those ahead of the clock by more than a minute) in full.
function relativeText(date, formatter, now) {
  const ago = now - date.getTime();
  if (ago < -60000 || ago >= week) return formatter.format(date);
  const seconds = Math.max(0, Math.round(ago / 1000));
  if (seconds < 45) return relative.format(0, 'second');
  if (seconds < 3600) return relative.format(-Math.round(seconds / 60), 'minute');
  if (seconds < 86400) return relative.format(-Math.round(seconds / 3600), 'hour');
  return relative.format(-Math.round(seconds / 86400), 'day');
}

// Formats every <time datetime> below `root`: the text relative to now for the last
// week, the full time in the formatter's zone on hover (title) and for screen readers
// (aria-label). A <time> without `datetime` (a timestamp the server could not read) keeps
// its text. Call again to bring the relative texts up to date.
export function localizeTimes(root, formatter, now = Date.now()) {
  for (const t of root.querySelectorAll('time[datetime]')) {
    const d = new Date(t.getAttribute('datetime'));
    if (isNaN(d.getTime())) continue;
    const full = formatter.format(d);
    t.textContent = relativeText(d, formatter, now);
    t.title = full;
    t.setAttribute('aria-label', full);
  }
}

// "Times in Asia/Tokyo.", with a warning when the configured zone is unknown.
export function zoneNote(formatter) {
  return 'Times in ' + formatter.zone + (formatter.invalid !== null ? ' (unknown zone ' + formatter.invalid + ')' : '') + '.';
}
