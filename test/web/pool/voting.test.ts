// /voting: the agendas of the pool's vote version with their status from dcrd's getvoteinfo, one
// select each preset to the user's choice; saving stores 1 | the choices' bits and the version.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { getPoolUser, setPoolUserVoteBits } from '../../../src/db/pool-users.ts';
import type { PoolUser } from '../../../src/db/pool-users.ts';
import { currentVoteVersion } from '../../../src/vsp/agendas.ts';
import { assertRedirect, csrfOf } from './harness.ts';
import type { Client } from './harness.ts';
import {
  NET,
  pagesHarness,
  textOf,
  userClient,
  withAddress,
  suiteHarness,
} from './pages-harness.ts';

const VERSION = currentVoteVersion(NET.name);

function selected(body: string): string | undefined {
  const select = /<select id="agenda-maxtreasuryspend"[\s\S]*?<\/select>/.exec(body)?.[0] ?? '';
  return /<option value="([a-z]+)"\s+selected/.exec(select)?.[1];
}

describe('pool page /voting', () => {
  const h = suiteHarness(pagesHarness);
  let u: { user: PoolUser; c: Client };
  before(async () => {
    u = await userClient(h);
    await withAddress(h, u.user);
    await setPoolUserVoteBits(h.database.db, u.user.id, 1, VERSION);
  });

  test('without an address: to /address; a visitor: to /login', async () => {
    const { c } = await userClient(h);
    const res = await c.get('/voting');
    assertRedirect(res, '/address');
    const anon = await h.app.inject({ url: '/voting' });
    assert.equal(anon.headers.location, '/login');
  });

  test('the agendas of the vote version with their status from getvoteinfo', async () => {
    const res = await u.c.get('/voting');
    assert.equal(res.statusCode, 200);
    const text = textOf(res.body);
    assert.ok(text.includes(`Voting preferences (v${VERSION})`));
    assert.ok(text.includes('maxtreasuryspend'));
    assert.ok(text.includes('Change maximum treasury expenditure policy as defined in DCP0013'));
    assert.ok(text.includes('Voting in progress'));
    assert.ok(text.includes('quorum 37.20% reached'));
    assert.ok(text.includes('yes: change to the new consensus rules'));
    assert.ok(text.includes('yes 70.00%'));
    assert.equal(selected(res.body), 'abstain');
    assert.ok(res.body.includes('https://voting.decred.org/'));
  });

  test('saving a choice stores 1 | its bits with the version, and preselects it', async () => {
    const page = await u.c.get('/voting');
    const res = await u.c.post('/voting', {
      csrf: csrfOf(page.body),
      'agenda-maxtreasuryspend': 'yes',
    });
    assertRedirect(res, '/voting');
    const stored = await getPoolUser(h.database.db, u.user.id);
    assert.equal(stored?.voteBits, 1 | 4);
    assert.equal(stored?.voteBitsVersion, VERSION);
    const after = await u.c.get('/voting');
    assert.equal(selected(after.body), 'yes');
    assert.ok(textOf(after.body).includes('Your voting preferences were saved.'));
    // Back to no.
    await u.c.post('/voting', { csrf: csrfOf(after.body), 'agenda-maxtreasuryspend': 'no' });
    assert.equal((await getPoolUser(h.database.db, u.user.id))?.voteBits, 1 | 2);
  });

  test('an unknown choice or a bad CSRF token changes nothing', async () => {
    const before = (await getPoolUser(h.database.db, u.user.id))?.voteBits;
    const page = await u.c.get('/voting');
    const bad = await u.c.post('/voting', {
      csrf: csrfOf(page.body),
      'agenda-maxtreasuryspend': 'maybe',
    });
    assert.equal(bad.statusCode, 303);
    assert.ok(textOf((await u.c.get('/voting')).body).includes('not a choice of the agenda'));
    const forged = await u.c.post('/voting', { csrf: 'x', 'agenda-maxtreasuryspend': 'yes' });
    assert.equal(forged.statusCode, 303);
    assert.equal((await getPoolUser(h.database.db, u.user.id))?.voteBits, before);
  });

  test('dcrd down: the form still works, the status is unknown', async () => {
    h.dcrd.fail = true;
    try {
      const res = await u.c.get('/voting');
      assert.equal(res.statusCode, 200);
      assert.ok(textOf(res.body).includes('unknown (the pool node did not answer)'));
      assert.match(res.body, /<select id="agenda-maxtreasuryspend"/);
    } finally {
      h.dcrd.fail = false;
    }
  });

  test('bits of an older vote version: the defaults are shown, with a notice', async () => {
    await setPoolUserVoteBits(h.database.db, u.user.id, 1 | 4, VERSION - 1);
    const res = await u.c.get('/voting');
    assert.equal(selected(res.body), 'abstain');
    assert.ok(textOf(res.body).includes(`were set for vote version ${VERSION - 1}`));
  });
});
