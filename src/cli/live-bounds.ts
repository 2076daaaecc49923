// --max-pages and --sweep-timeout: what one live sweep may take (src/collect/retry.ts), checked
// before anything is called.
import { DEFAULT_SWEEP_BOUNDS, type SweepBounds } from '../collect/retry.js';
import { usageError } from '../errors.js';
import type { LiveFlags } from './program.js';

const DURATION_UNITS: Readonly<Record<string, number>> = { '': 1_000, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * --max-pages and --sweep-timeout, else SG_AUDIT_MAX_PAGES and SG_AUDIT_SWEEP_TIMEOUT, else the
 * defaults: what one sweep may take before it is a collection error (docs/live.md).
 */
export function sweepBoundsOf(flags: LiveFlags, env: NodeJS.ProcessEnv): SweepBounds {
  const pagesText = flags.maxPages ?? env['SG_AUDIT_MAX_PAGES'];
  const timeText = flags.sweepTimeout ?? env['SG_AUDIT_SWEEP_TIMEOUT'];
  const pagesFrom = flags.maxPages !== undefined ? '--max-pages' : 'SG_AUDIT_MAX_PAGES';
  const timeFrom = flags.sweepTimeout !== undefined ? '--sweep-timeout' : 'SG_AUDIT_SWEEP_TIMEOUT';
  let { maxPages, timeoutMs } = DEFAULT_SWEEP_BOUNDS;
  if (pagesText !== undefined && pagesText !== '') {
    maxPages = /^\d{1,9}$/.test(pagesText.trim()) ? Number(pagesText.trim()) : 0;
    if (maxPages < 1) throw usageError(`${pagesFrom} ${pagesText}: not a page count`, 'give a whole number of pages, at least 1 (default 10000)');
  }
  if (timeText !== undefined && timeText !== '') {
    const m = /^(\d{1,7})\s*(s|m|h)?$/.exec(timeText.trim());
    timeoutMs = m ? Number(m[1]) * (DURATION_UNITS[m[2] ?? ''] ?? 1_000) : 0;
    if (timeoutMs < 1_000) throw usageError(`${timeFrom} ${timeText}: not a duration`, 'give seconds, or a number with s, m or h, e.g. 45m (default 30m)');
  }
  return { maxPages, timeoutMs };
}

