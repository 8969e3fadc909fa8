// Times in the configured zone. The server writes each time as the status gave it, inside
// a <time> element whose `datetime` is the instant in UTC (statuses.html); the viewer
// replaces the text with the instant formatted in the zone the configuration names.

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

// Formats every <time datetime> below `root`. A <time> without `datetime` (a timestamp the
// server could not read) keeps its text.
export function localizeTimes(root, formatter) {
  for (const t of root.querySelectorAll('time[datetime]')) {
    const d = new Date(t.getAttribute('datetime'));
    if (!isNaN(d.getTime())) t.textContent = formatter.format(d);
  }
}

// "Times in Asia/Tokyo.", with a warning when the configured zone is unknown.
export function zoneNote(formatter) {
  return 'Times in ' + formatter.zone + (formatter.invalid !== null ? ' (unknown zone ' + formatter.invalid + ')' : '') + '.';
}
