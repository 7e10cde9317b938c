// Voter heartbeats as settings rows: listed by prefix (LIKE wildcards taken literally), parsed
// defensively, purged by age, and turned into /status's voter list, on all three engines.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import pino from 'pino';
import { listSettings, setSetting } from '../../src/db/settings.ts';
import {
  listVoterHeartbeats,
  MAX_VOTER_NAME,
  parseVoterHeartbeat,
  purgeVoterHeartbeats,
  removeVoterHeartbeat,
  VOTER_HEARTBEAT_PREFIX,
  writeVoterHeartbeat,
} from '../../src/db/voter-heartbeats.ts';
import type { VoterHeartbeat } from '../../src/db/voter-heartbeats.ts';
import { voterStatuses } from '../../src/legacy-context.ts';
import type { PoolVoter } from '../../src/voting/pool-voter.ts';
import { describeEachEngine } from './engines.ts';

const SILENT = pino({ level: 'silent' });
const NOW = Math.floor(Date.now() / 1000);

function hb(name: string, at: number, extra: Partial<VoterHeartbeat> = {}): VoterHeartbeat {
  return { name, startedAt: at - 100, at, voteVersion: 11, ...extra };
}

describeEachEngine('voter heartbeats', (get) => {
  it('lists settings by a literal prefix, case-sensitively', async () => {
    const { db } = get();
    await setSetting(db, 'lp_x.a', '1');
    await setSetting(db, 'lp_x.b', '2');
    await setSetting(db, 'lpyx.c', '3'); // '_' must not match any character
    await setSetting(db, 'LP_X.d', '4'); // nor the prefix case-insensitively (MySQL)
    await setSetting(db, 'lp%x.e', '5');
    const rows = await listSettings(db, 'lp_x.');
    assert.deepEqual(
      rows.map((r) => [r.name, r.value]),
      [
        ['lp_x.a', '1'],
        ['lp_x.b', '2'],
      ],
    );
    assert.ok(rows.every((r) => Math.abs(r.updatedAt - NOW) < 3600));
    assert.deepEqual(
      (await listSettings(db, 'lp%')).map((r) => r.name),
      ['lp%x.e'],
    );
    await assert.rejects(listSettings(db, ''), TypeError);
  });

  it('writes, overwrites, lists newest first and removes heartbeats', async () => {
    const { db } = get();
    const block = { height: 90, at: NOW - 5, ours: 2, sent: 1, duplicates: 1, failed: 0 };
    await writeVoterHeartbeat(db, hb('h1:1', NOW - 30));
    await writeVoterHeartbeat(db, hb('h2:2', NOW - 10, { lastBlock: { ...block, cacheAgeS: 40 } }));
    await writeVoterHeartbeat(db, hb('h1:1', NOW - 5, { lastBlock: block }));
    // A row another program wrote under the prefix is skipped.
    await setSetting(db, `${VOTER_HEARTBEAT_PREFIX}junk`, '{"name":1}');
    const list = await listVoterHeartbeats(db);
    assert.deepEqual(list, [
      hb('h1:1', NOW - 5, { lastBlock: block }),
      hb('h2:2', NOW - 10, { lastBlock: { ...block, cacheAgeS: 40 } }),
    ]);
    assert.equal(await removeVoterHeartbeat(db, 'h1:1'), true);
    assert.equal(await removeVoterHeartbeat(db, 'h1:1'), false);
    assert.deepEqual(
      (await listVoterHeartbeats(db)).map((x) => x.name),
      ['h2:2'],
    );
    // A long name is cut to fit the settings row, consistently for write and remove.
    const long = 'x'.repeat(MAX_VOTER_NAME + 9);
    await writeVoterHeartbeat(db, hb(long, NOW));
    assert.equal(await removeVoterHeartbeat(db, long), true);
    assert.equal(await purgeVoterHeartbeats(db, NOW + 3600), 2);
    assert.deepEqual(await listVoterHeartbeats(db), []);
  });

  it('purges only rows written before the cut-off', async () => {
    const { db } = get();
    await writeVoterHeartbeat(db, hb('p:1', NOW));
    assert.equal(await purgeVoterHeartbeats(db, NOW - 3600), 0);
    assert.equal((await listVoterHeartbeats(db)).length, 1);
    assert.equal(await purgeVoterHeartbeats(db, NOW + 3600), 1);
  });

  it('gives /status every voter, stale after 10 minutes, this process marked', async () => {
    const { db } = get();
    await writeVoterHeartbeat(db, hb('own:1', NOW - 20));
    await writeVoterHeartbeat(db, hb('other:2', NOW - 30));
    await writeVoterHeartbeat(db, hb('dead:3', NOW - 601));
    const own = { running: true, voteVersion: 11, lastBlock: undefined } as unknown as PoolVoter;
    const voters = await voterStatuses(db, own, 'own:1', SILENT, NOW);
    assert.deepEqual(
      voters.map((v) => [v.name, v.running, v.stale, v.seenAt]),
      [
        ['own:1 (this process)', true, false, NOW - 20],
        ['other:2', true, false, NOW - 30],
        ['dead:3', false, true, NOW - 601],
      ],
    );
    // novoter=1: only the separate voters.
    assert.equal((await voterStatuses(db, undefined, undefined, SILENT, NOW)).length, 3);
    // This process's row not written yet (or removed): reported from memory.
    await removeVoterHeartbeat(db, 'own:1');
    const mem = await voterStatuses(db, own, 'own:1', SILENT, NOW);
    assert.equal(mem[0]?.name, 'own:1 (this process)');
    assert.equal(mem[0]?.seenAt, undefined);
    assert.equal(mem.length, 3);
    await purgeVoterHeartbeats(db, NOW + 3600);
  });
});

it('parseVoterHeartbeat refuses what is not a heartbeat', () => {
  assert.equal(parseVoterHeartbeat('not json'), undefined);
  assert.equal(parseVoterHeartbeat('null'), undefined);
  assert.equal(
    parseVoterHeartbeat('{"name":"a","startedAt":1,"at":-1,"voteVersion":1}'),
    undefined,
  );
  const ok = parseVoterHeartbeat(
    '{"name":"a","startedAt":1,"at":2,"voteVersion":3,"lastBlock":{"height":"x"}}',
  );
  assert.deepEqual(ok, { name: 'a', startedAt: 1, at: 2, voteVersion: 3 });
});
