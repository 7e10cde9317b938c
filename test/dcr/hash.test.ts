import assert from 'node:assert/strict';
import { blake256, fromHex, hashToDisplay, toHex } from '../../src/dcr/index.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface Blake256File {
  cases: { name?: string; input_utf8?: string; input_hex?: string; blake256_hex: string }[];
  salted_cases: { name: string; input_hex: string; blake256_hex: string; salt_hex: string }[];
  header_cases: { name: string; header_hex: string; block_hash_display: string }[];
}

const v = loadVectors<Blake256File>('blake256.json');

vectorSuite('blake256.json', (add) => {
  v.cases.forEach((c, i) => {
    const input =
      c.input_hex !== undefined ? fromHex(c.input_hex) : new TextEncoder().encode(c.input_utf8);
    add(`blake256 #${i} ${c.name ?? JSON.stringify((c.input_utf8 ?? '').slice(0, 24))}`, () => {
      assert.equal(toHex(blake256(input)), c.blake256_hex);
    });
  });
  // Decred never salts BLAKE-256; the salted vectors only exercise noble's option, so they check
  // the underlying hash implementation rather than our wrapper.
  for (const c of v.salted_cases) {
    add(`salted ${c.name}`, async () => {
      const { blake256: raw } = await import('@noble/hashes/blake1.js');
      const out = raw(fromHex(c.input_hex), { salt: fromHex(c.salt_hex) });
      assert.equal(toHex(out), c.blake256_hex);
    });
  }
  for (const c of v.header_cases) {
    add(`header ${c.name}`, () => {
      assert.equal(hashToDisplay(blake256(fromHex(c.header_hex))), c.block_hash_display);
    });
  }
});
