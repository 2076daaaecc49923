#!/usr/bin/env node
// The process shim. Exit codes are a contract (1 means findings), so nothing that goes wrong here
// may end in Node's default exit 1: a missing build or an unexpected failure is one line on stderr
// and exit 3 (incomplete), and a reader that closes stdout early (`| head`) ends the run quietly.
// Library warnings (the AWS SDK's Node support notice, deprecations) do not help our users;
// they are shown only with --debug. Everything else lives in dist/src/cli/main.js.
const debug = process.argv.includes('--debug');
if (!debug) process.removeAllListeners('warning');

/** One line, control characters made visible: an error's text may quote hostile input. */
function oneLine(text) {
  const first = String(text).split('\n')[0] ?? '';
  const visible = first.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > 300 ? `${visible.slice(0, 300)}…` : visible;
}

function fail(message, hint, error) {
  process.stderr.write(`sg-audit: error: ${oneLine(message)} — ${hint}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(3);
}

// A closed stdout is the reader's choice, not a failure: stop writing, keep the verdict's exit code.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') {
    process.stdout.write = () => true;
    return;
  }
  fail(`cannot write to stdout: ${error.code ?? error.message}`, 'check where the output goes', error);
});
process.on('uncaughtException', (error) => fail(`unexpected failure: ${error?.message ?? error}`, 'run with --debug for details and report it', error));
process.on('unhandledRejection', (error) => fail(`unexpected failure: ${error?.message ?? error}`, 'run with --debug for details and report it', error));

let main;
try {
  ({ main } = await import('../lib/sg-audit.js'));
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('lib/sg-audit.js')) {
    const root = new URL('..', import.meta.url).pathname;
    fail(`sg-audit is not built: ${root}lib/ is missing`, `run npm install (or npm run build) in ${root}`, error);
  }
  fail(`cannot load sg-audit: ${error?.message ?? error}`, 'reinstall it (npm install), or run with --debug and report it', error);
}
process.exitCode = await main(process.argv.slice(2));
