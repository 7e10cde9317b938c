import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  deleteSetting,
  ensureNetwork,
  getLastScannedBlock,
  getOrCreateSecret,
  getSetting,
  setLastScannedBlock,
  setSetting,
  setSettingIfAbsent,
  SETTING_KEYS,
} from '../../src/db/settings.ts';
import { describeEachEngine } from './engines.ts';

describeEachEngine('settings', (get) => {
  it('reads undefined for a missing name, then creates and overwrites', async () => {
    const { db } = get();
    assert.equal(await getSetting(db, 'test.flag'), undefined);
    await setSetting(db, 'test.flag', 'one');
    assert.equal(await getSetting(db, 'test.flag'), 'one');
    await setSetting(db, 'test.flag', 'two');
    assert.equal(await getSetting(db, 'test.flag'), 'two');
    // Case matters in names and values.
    assert.equal(await getSetting(db, 'TEST.FLAG'), undefined);
    assert.equal(await deleteSetting(db, 'test.flag'), true);
    assert.equal(await deleteSetting(db, 'test.flag'), false);
    assert.equal(await getSetting(db, 'test.flag'), undefined);
  });

  it('stores long values intact', async () => {
    const { db } = get();
    const value = 'é✓'.repeat(40_000); // > 64 KiB of UTF-8
    await setSetting(db, 'test.long', value);
    assert.equal(await getSetting(db, 'test.long'), value);
  });

  it('keeps the first value with setSettingIfAbsent, even when racing', async () => {
    const { db } = get();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => setSettingIfAbsent(db, 'test.race', `v${i}`)),
    );
    assert.equal(new Set(results).size, 1);
    assert.equal(await getSetting(db, 'test.race'), results[0]);
    assert.equal(await setSettingIfAbsent(db, 'test.race', 'later'), results[0]);
  });

  it('creates a secret once and returns the same bytes afterwards', async () => {
    const { db } = get();
    let calls = 0;
    const make = () => {
      calls += 1;
      return new Uint8Array(32).fill(calls);
    };
    const first = await getOrCreateSecret(db, SETTING_KEYS.vspSigningKey, make);
    const again = await getOrCreateSecret(db, SETTING_KEYS.vspSigningKey, make);
    assert.equal(calls, 1);
    assert.deepEqual(again, first);
    assert.equal(first.length, 32);
    assert.equal(await getSetting(db, SETTING_KEYS.vspSigningKey), '01'.repeat(32));
  });

  it('tracks the last scanned block', async () => {
    const { db } = get();
    assert.equal(await getLastScannedBlock(db), undefined);
    await setLastScannedBlock(db, 1_000_000);
    assert.equal(await getLastScannedBlock(db), 1_000_000);
    await setLastScannedBlock(db, 1_000_001);
    assert.equal(await getLastScannedBlock(db), 1_000_001);
    await assert.rejects(setLastScannedBlock(db, -1), { name: 'RangeError', message: /^height:/ });
  });

  it('ties the database to one network', async () => {
    const { db } = get();
    await ensureNetwork(db, 'simnet');
    await ensureNetwork(db, 'simnet');
    await assert.rejects(
      ensureNetwork(db, 'mainnet'),
      /^Error: network: the database belongs to simnet, not mainnet/,
    );
  });

  it('rejects a bad name', async () => {
    const { db } = get();
    await assert.rejects(setSetting(db, '', 'x'), { name: 'TypeError', message: /^name:/ });
    await assert.rejects(setSetting(db, 'n'.repeat(65), 'x'), { message: /^name:/ });
  });
});
