// Fuzzing the loaders and the config parser (issue 13): saved describe-* files, a snapshot, a
// config (YAML and JSON), a baseline and a report to merge, each truncated, type-swapped, given
// huge, deeply nested, duplicated or hostile values, or re-encoded, then audited. Every case must
// end as exit 2 with one line on stderr, or as a report; never a stack trace, an unexpected
// failure, a hang or an abort. The cases are generated per run from a seed; a failure prints it,
// and SG_AUDIT_FUZZ_SEED=<seed> (with SG_AUDIT_FUZZ_CASES=<n>) runs the same cases again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/cli.js';

const SEED = Number(process.env['SG_AUDIT_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env['SG_AUDIT_FUZZ_CASES'] ?? 160);
/** CPU seconds for the whole run (the child is killed past it), and for any one case. */
const RUN_CPU_SECONDS = 150;
const CASE_CPU_MS = 15_000;

interface Start {
  start: number;
  target: string;
  what: string[];
}
interface Done {
  done: number;
  code: number;
  report: boolean;
  stdoutChars: number;
  stderr: string;
  stderrChars: number;
  cpuMs: number;
}

test(`fuzzed inputs, configs and reports: exit 2 with one line, or a report (seed ${SEED}, ${CASES} cases)`, async (t) => {
  t.diagnostic(`seed ${SEED}: repeat with SG_AUDIT_FUZZ_SEED=${SEED} SG_AUDIT_FUZZ_CASES=${CASES} npm test -- fuzz/`);
  const work = mkdtempSync(join(tmpdir(), 'sg-audit-fuzz-'));
  const driver = join(REPO_ROOT, 'dist', 'test', 'fuzz', 'driver.js');
  try {
    // ulimit -t: a case that spins forever is stopped by the kernel (SIGXCPU/SIGKILL), not by luck.
    const child = spawn('sh', ['-c', `ulimit -t ${RUN_CPU_SECONDS}; exec "$0" --max-old-space-size=2048 "$@"`, process.execPath, driver, String(SEED), String(CASES), work], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));

    const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Start | Done);
    const starts = new Map(lines.filter((l): l is Start => 'start' in l).map((l) => [l.start, l]));
    const done = lines.filter((l): l is Done => 'done' in l);
    const last = [...starts.values()].at(-1);
    const where = (i: number) => `seed ${SEED}, case ${i}: ${JSON.stringify(starts.get(i))}`;
    assert.deepEqual(ended, { code: 0, signal: null }, `the driver ended badly (a hang, an abort or out of memory) during ${last ? where(last.start) : 'start-up'}\n${stderr.slice(0, 2_000)}`);
    assert.equal(done.length, CASES, `seed ${SEED}: ${done.length} of ${CASES} cases finished`);

    const failures: string[] = [];
    for (const d of done) {
      const problems: string[] = [];
      if (d.code === 2) {
        if (!/^sg-audit: error: [^\n]*\n$/.test(d.stderr) || d.stderrChars !== d.stderr.length) problems.push('exit 2 without exactly one error line');
        if (d.stdoutChars !== 0) problems.push('exit 2 with output on stdout');
      } else if (d.code === 0 || d.code === 1 || d.code === 3) {
        if (!d.report) problems.push(`exit ${d.code} without a report`);
      } else {
        problems.push(`exit ${d.code}`);
      }
      if (/unexpected failure|^\s+at |main threw/m.test(d.stderr)) problems.push('a stack trace or an unexpected failure');
      if (d.cpuMs > CASE_CPU_MS) problems.push(`${d.cpuMs} ms of CPU`);
      if (problems.length > 0) failures.push(`${where(d.done)} → ${problems.join('; ')}; stderr: ${JSON.stringify(d.stderr.slice(0, 400))}`);
    }
    assert.deepEqual(failures, [], `seed ${SEED}`);
    const codes = done.reduce<Record<number, number>>((n, d) => ({ ...n, [d.code]: (n[d.code] ?? 0) + 1 }), {});
    t.diagnostic(`exit codes: ${JSON.stringify(codes)}`);
    // The mutations reach both outcomes: refused inputs and audited ones.
    assert.ok((codes[2] ?? 0) > 0 && (codes[0] ?? 0) + (codes[1] ?? 0) + (codes[3] ?? 0) > 0, JSON.stringify(codes));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
