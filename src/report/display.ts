// What the human formats show of the findings (--min-severity, --only-new): a narrowing of the
// view, never of the verdict. The gate, the summary and the machine formats count every finding.
import { severityRank } from '../rules-kit/types.js';
import type { DisplayFilter } from './formats.js';
import type { ReportFinding } from './types.js';

export interface Displayed {
  readonly shown: readonly ReportFinding[];
  readonly hidden: number;
}

/** The findings a display filter leaves, and how many it hides. */
export function applyDisplay(findings: readonly ReportFinding[], display: DisplayFilter | undefined): Displayed {
  if (!display || (display.minSeverity === undefined && !display.onlyNew)) return { shown: findings, hidden: 0 };
  const min = display.minSeverity !== undefined ? severityRank(display.minSeverity) : 0;
  const shown = findings.filter((f) => severityRank(f.severity) >= min && (!display.onlyNew || f.baseline !== 'unchanged'));
  return { shown, hidden: findings.length - shown.length };
}
