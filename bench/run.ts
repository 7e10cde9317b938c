// `npm run bench`: runs every bench/*.bench.ts in turn. Each file runs its benchmarks when
// imported and prints its own figures.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only === undefined || f.includes(only))
  .sort();
process.stdout.write(`node ${process.version}, ${files.length} benchmark files\n`);
for (const f of files) {
  process.stdout.write(`\n== ${f}\n`);
  await import(pathToFileURL(`${dir}/${f}`).href);
}
