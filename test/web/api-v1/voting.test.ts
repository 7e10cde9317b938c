// POST voting: 16, 3 (unparsable, out of range, invalid for the agendas), 13 (database), 0; the
// bits and the current vote version are stored.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { getPoolUser } from '../../../src/db/pool-users.ts';
import { currentAgendas, currentVoteVersion } from '../../../src/vsp/agendas.ts';
import {
  apiHarness,
  assertNeedsToken,
  call,
  envelope,
  NET,
  newUser,
  suiteHarness,
} from './harness.ts';

const OK = {
  status: 'success',
  code: 0,
  message: 'successfully updated voting preferences',
} as const;
const NOT_UINT16 = {
  status: 'error',
  code: 3,
  message: 'voting error - unable to convert votebits to uint16',
} as const;
const INVALID_BITS = {
  status: 'error',
  code: 3,
  message: 'voting error - votebits invalid for current agendas',
} as const;

// testnet3's current version has one agenda (maxtreasuryspend, mask 0x6): yes = 1 | 4.
const agenda = currentAgendas(NET.name)[0];
const YES = 1 | (agenda?.choices.find((c) => c.id === 'yes')?.bits ?? 0);

describe('api voting', () => {
  const h = suiteHarness(apiHarness);

  test('without a token: 16, no data key', async () => {
    await assertNeedsToken(h, 'voting', { VoteBits: '1' });
  });

  test('valid bits are stored with the current vote version (v1 and v2)', async () => {
    assert.ok(agenda !== undefined && YES !== 1);
    const { user, token } = await newUser(h);
    const res = await call(h, '/api/v2/voting', { token, form: { VoteBits: String(YES) } });
    const body = envelope(res, OK);
    assert.ok(!('data' in body));
    let stored = await getPoolUser(h.t.db, user.id);
    assert.equal(stored?.voteBits, YES);
    assert.equal(stored?.voteBitsVersion, currentVoteVersion(NET.name));
    envelope(await call(h, '/api/v1/voting', { token, form: { VoteBits: '1' } }), OK);
    stored = await getPoolUser(h.t.db, user.id);
    assert.equal(stored?.voteBits, 1);
  });

  test('the value may come in the URL query, as Go FormValue read it; the body wins', async () => {
    const { user, token } = await newUser(h);
    envelope(await call(h, `/api/v1/voting?VoteBits=${YES}`, { token, method: 'POST' }), OK);
    assert.equal((await getPoolUser(h.t.db, user.id))?.voteBits, YES);
    envelope(
      await call(h, `/api/v1/voting?VoteBits=${YES}`, { token, form: { VoteBits: '1' } }),
      OK,
    );
    assert.equal((await getPoolUser(h.t.db, user.id))?.voteBits, 1);
  });

  test('unparsable or out-of-range values: 3, nothing stored', async () => {
    const { user, token } = await newUser(h);
    for (const value of [
      '',
      'abc',
      '1.0',
      '0x5',
      ' 1',
      '-1',
      '65536',
      '65537',
      '99999999999999999999',
    ]) {
      const res = await call(h, '/api/v1/voting', { token, form: { VoteBits: value } });
      envelope(res, NOT_UINT16);
    }
    // Missing field entirely.
    envelope(await call(h, '/api/v1/voting', { token, form: {} }), NOT_UINT16);
    // A JSON body is not a form: the field is missing.
    envelope(
      await call(h, '/api/v1/voting', {
        token,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ VoteBits: 1 }),
      }),
      NOT_UINT16,
    );
    assert.equal((await getPoolUser(h.t.db, user.id))?.voteBits, 1);
  });

  test('bits that are not valid for the current agendas: 3', async () => {
    const { token } = await newUser(h);
    // Bit 0 clear; a bit outside every agenda; both bits of the mask at once.
    for (const bits of [0, 4, 1 | 0x100, 1 | (agenda?.mask ?? 0), 0xffff]) {
      const res = await call(h, '/api/v1/voting', { token, form: { VoteBits: String(bits) } });
      envelope(res, INVALID_BITS);
    }
  });

  test('"+5" parses as Go strconv.Atoi does', async () => {
    const { user, token } = await newUser(h);
    envelope(await call(h, '/api/v1/voting', { token, form: { VoteBits: `+${YES}` } }), OK);
    assert.equal((await getPoolUser(h.t.db, user.id))?.voteBits, YES);
  });

  test('a database failure: 13 Internal', async () => {
    const { user, token } = await newUser(h);
    // The token lookup (a read) works; the update is refused by a trigger.
    await sql`create trigger no_vote_updates before update on pool_users
      begin select raise(abort, 'read only'); end`.execute(h.t.db);
    try {
      const res = await call(h, '/api/v1/voting', { token, form: { VoteBits: String(YES) } });
      envelope(res, {
        status: 'error',
        code: 13,
        message: 'voting error - failed to update voting prefs in database',
      });
    } finally {
      await sql`drop trigger no_vote_updates`.execute(h.t.db);
    }
    assert.equal((await getPoolUser(h.t.db, user.id))?.voteBits, 1);
  });
});
