// Floor 1 of the benchmark: what reading the offline input costs at the very least. Reads every
// .json file under the given paths (recursively, in name order, as --input does) and JSON.parses
// it, keeping every parsed document until the end (an audit needs them all at once). Node's
// start-up is included, as it is in the audit's own figures. Prints the number of files.
//
// Usage: node scripts/bench/bare-parse.mjs <file-or-dir>...
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? files(join(path, e.name)) : e.name.endsWith('.json') ? [join(path, e.name)] : []));
}

const parsed = [];
for (const root of process.argv.slice(2)) {
  for (const file of files(root)) parsed.push(JSON.parse(readFileSync(file, 'utf8')));
}
process.stdout.write(`${JSON.stringify({ files: parsed.length })}\n`);
