// Loads the shared Decred test vectors from ../shared/vectors/decred at test time (they are never
// copied into this repository) and reports how many cases each vector file ran.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of the shared vectors directory (override with STAKEPOOL_VECTORS). */
export const VECTORS_DIR =
  process.env['STAKEPOOL_VECTORS'] ?? join(root, '..', 'shared', 'vectors', 'decred');

/** Parse one vector file; the shape is asserted by the test that uses it. */
export function loadVectors<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(join(VECTORS_DIR, file), 'utf8')) as T;
}

/**
 * A suite over one vector file. `cases(add)` registers cases; each becomes its own test. After
 * the suite, one line reports the count, so the output shows per file how many vectors ran.
 */
export function vectorSuite(
  file: string,
  body: (add: (name: string, fn: () => void | Promise<void>) => void) => void,
): void {
  describe(`vectors ${file}`, () => {
    let count = 0;
    const add = (name: string, fn: () => void | Promise<void>): void => {
      count++;
      it(name, fn);
    };
    body(add);
    it(`ran every case of ${file}`, () => {
      if (count === 0) throw new Error(`${file}: no vector cases registered`);
    });
    after(() => {
      process.stdout.write(`# vectors ${file}: ${count} cases\n`);
    });
  });
}
