import { createRequire } from 'node:module';

// Read once from package.json, so --version, the JSON report and snapshots always agree with it.
const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
export const VERSION: string = pkg.version;
