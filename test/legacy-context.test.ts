// The legacy pool's start-up step that resets vote bits (dcrstakepool's CheckAndResetUserVoteBits),
// on a real SQLite database through the repositories.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { netParams } from '../src/dcr/params.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createPoolUser, getPoolUser } from '../src/db/pool-users.ts';
import { poolVoteVersion, resetUserVoteBits } from '../src/legacy-context.ts';

const net = netParams('simnet');

describe('resetUserVoteBits (start-up)', () => {
  it('resets bits of another vote version and invalid bits to 1, and keeps valid ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stakepool-legacy-ctx-'));
    const database = createDatabase({ engine: 'sqlite', sqlitePath: join(dir, 'db.sqlite') });
    try {
      await migrateToLatest(database.db);
      const version = poolVoteVersion(net);
      const make = async (email: string, voteBits: number, voteBitsVersion: number) => {
        const u = await createPoolUser(database.db, {
          email,
          passwordHash: 'x',
          emailVerified: 1,
          voteBits,
          voteBitsVersion,
        });
        assert.ok(u !== undefined);
        return u.id;
      };
      // maxtreasuryspend "yes" is 0x0004 in its mask 0x0006: 0x0005 is valid for this version.
      const valid = await make('valid@example.org', 0x0005, version);
      const old = await make('old@example.org', 0x0005, version - 1);
      const invalid = await make('invalid@example.org', 0x0101, version);
      assert.equal(await resetUserVoteBits(database.db, net), 2);
      const bits = async (id: number) => {
        const u = await getPoolUser(database.db, id);
        return [u?.voteBits, u?.voteBitsVersion];
      };
      assert.deepEqual(await bits(valid), [0x0005, version]);
      assert.deepEqual(await bits(old), [1, version]);
      assert.deepEqual(await bits(invalid), [1, version]);
      assert.equal(await resetUserVoteBits(database.db, net), 0, 'nothing left to reset');
    } finally {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
