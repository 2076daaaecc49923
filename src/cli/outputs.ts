// Which reports one run writes, and where: `--format table --format sarif=sg.sarif --format
// json=report.json` prints the table and writes two files. Pure: checking the paths on disk is
// write.ts's job.
import { extname, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { FORMAT_BY_EXTENSION, FORMATS, isFormat, type Format } from '../report/formats.js';
import { closest } from '../suggest.js';
import { streamNamed } from './write.js';

export interface OutputPlan {
  readonly format: Format;
  /** Undefined: stdout. */
  readonly file?: string;
}

/** `-` and `/dev/stdout` are stdout itself, not files to replace (src/cli/write.ts). */
const stdoutOrFile = (file: string | undefined) => (file !== undefined && streamNamed(file) === 'stdout' ? undefined : file);

function parseFormatSpec(spec: string): OutputPlan {
  const eq = spec.indexOf('=');
  const name = (eq < 0 ? spec : spec.slice(0, eq)).trim().toLowerCase();
  const given = eq < 0 ? undefined : spec.slice(eq + 1);
  const file = stdoutOrFile(given);
  if (!isFormat(name)) {
    const guess = closest(name, FORMATS);
    throw usageError(
      `--format ${spec}: unknown format "${name}"${guess ? ` (did you mean ${guess}?)` : ''}`,
      `use one of ${FORMATS.join(', ')}, optionally with =<file>`,
    );
  }
  if (given !== undefined && given.trim() === '') throw usageError(`--format ${spec}: no file after "="`, `e.g. --format ${name}=report.${name}`);
  return file === undefined ? { format: name } : { format: name, file };
}

/** The format an --output file's extension names (report.sarif → sarif), if any. */
export function formatForFile(file: string): Format | undefined {
  return FORMAT_BY_EXTENSION[extname(file).toLowerCase()];
}

/**
 * Every report of the run. At most one goes to stdout (or to --output); the others name their
 * file. With no --format, the format comes from --output's extension, else it is the table.
 */
export function planOutputs(formatSpecs: readonly string[], outputFlag: string | undefined): OutputPlan[] {
  const output = stdoutOrFile(outputFlag);
  if (formatSpecs.length === 0) return [output === undefined ? { format: 'table' } : { format: formatForFile(output) ?? 'table', file: output }];
  const plans = formatSpecs.map(parseFormatSpec);
  const toStdout = plans.filter((p) => p.file === undefined);
  if (toStdout.length > 1) {
    throw usageError(
      `--format ${toStdout.map((p) => p.format).join(' and ')}: only one report can go to ${output === undefined ? 'stdout' : `--output ${output}`}`,
      `give the others a file, e.g. --format ${toStdout[1]?.format}=report.${toStdout[1]?.format}`,
    );
  }
  if (output !== undefined && toStdout.length === 0) {
    throw usageError(`--output ${output}: every --format already names its file`, 'drop --output, or give one --format without =<file>');
  }
  const resolved = plans.map((p) => (p.file === undefined && output !== undefined ? { format: p.format, file: output } : p));
  const seen = new Map<string, Format>();
  for (const p of resolved) {
    if (p.file === undefined) continue;
    const key = resolve(p.file);
    const earlier = seen.get(key);
    if (earlier) throw usageError(`${p.file} is named for both the ${earlier} and the ${p.format} report`, 'give each report its own file');
    seen.set(key, p.format);
  }
  return resolved;
}
