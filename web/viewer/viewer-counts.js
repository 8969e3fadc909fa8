// Unacked counts as the long polls answer them: {"total": n, "<level>": n, ...}.

import { isObject } from './viewer-net.js';

// The counts with integer values only, and always a total.
export function cleanCounts(counts) {
  const out = { total: 0 };
  if (!isObject(counts)) return out;
  for (const key of Object.keys(counts)) {
    if ((key === 'total' || /^-?\d+$/.test(key)) && Number.isSafeInteger(counts[key])) out[key] = counts[key];
  }
  return out;
}

// Unacked statuses at `threshold` or above; 0 for no counts (null).
export function countAtOrAbove(counts, threshold) {
  if (counts === null) return 0;
  let n = 0;
  for (const key of Object.keys(counts)) {
    if (key !== 'total' && Number(key) >= threshold) n += counts[key];
  }
  return n;
}

// The levels the counts name, without the total.
export function countedLevels(counts) {
  return Object.keys(counts).filter((k) => k !== 'total').map(Number);
}

export function sameCounts(a, b) {
  const keys = new Set(Object.keys(a).concat(Object.keys(b)));
  for (const k of keys) if ((a[k] || 0) !== (b[k] || 0)) return false;
  return true;
}

// The query of a timeline's long poll: the counts the page knows, so that the server
// answers when its own differ.
export function countsQuery(counts) {
  const pairs = [];
  if (counts !== null) {
    pairs.push(['total', counts.total]);
    for (const k of Object.keys(counts)) if (k !== 'total') pairs.push([k, counts[k]]);
  }
  return pairs;
}
