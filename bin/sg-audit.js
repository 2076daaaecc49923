#!/usr/bin/env node
// Library warnings (the AWS SDK's Node support notice, deprecations) do not help our users;
// they are shown only with --debug. Everything else lives in dist/src/cli/main.js.
if (!process.argv.includes('--debug')) process.removeAllListeners('warning');
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
