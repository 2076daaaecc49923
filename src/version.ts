// Read from package.json at build time (the bundle inlines it), so --version, the JSON report and
// snapshots always agree with it.
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
