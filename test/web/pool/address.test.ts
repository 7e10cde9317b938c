// /address: login required; the API token made on the first visit; the pubkey-address form, its
// validation and CSRF check; then the purchase information built from the stored multisig.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPoolUser } from '../../../src/db/pool-users.ts';
import { verifyApiToken } from '../../../src/pool/api-token.ts';
import { API_SECRET, assertRedirect, client, csrfOf } from './harness.ts';
import { newPubKeyAddress } from './legacy-fixtures.ts';
import { KEYS, pagesHarness, textOf, userClient, suiteHarness } from './pages-harness.ts';

describe('pool page /address', () => {
  const h = suiteHarness(pagesHarness);

  test('a visitor is sent to /login', async () => {
    const c = client(h);
    const res = await c.get('/address');
    assertRedirect(res, '/login');
    const post = await c.post('/address', { UserPubKeyAddr: newPubKeyAddress().address });
    assertRedirect(post, '/login');
  });

  test('first visit: the form, and an API token made, stored and shown', async () => {
    const { user, c } = await userClient(h);
    assert.equal(user.apiToken, undefined);
    const res = await c.get('/address');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /no-store/);
    assert.match(res.body, /name="UserPubKeyAddr"/);
    const stored = (await getPoolUser(h.database.db, user.id))?.apiToken;
    assert.ok(stored !== undefined);
    assert.ok(res.body.includes(stored));
    assert.deepEqual((await verifyApiToken(API_SECRET, stored))?.userId, user.id);
    // The same token on the next visit.
    const again = await c.get('/address');
    assert.ok(again.body.includes(stored));
    assert.equal((await getPoolUser(h.database.db, user.id))?.apiToken, stored);
  });

  test('a valid address: stored, then the purchase information', async () => {
    const { user, c } = await userClient(h);
    const page = await c.get('/address');
    const submitted = newPubKeyAddress();
    h.dcrd.height = 4444;
    const res = await c.post('/address', {
      csrf: csrfOf(page.body),
      UserPubKeyAddr: `  ${submitted.address} `,
    });
    assertRedirect(res, '/address');
    const expected = KEYS.multisig(user.id, submitted.pub);
    const stored = await getPoolUser(h.database.db, user.id);
    assert.deepEqual(stored?.multisig, { ...expected, heightRegistered: 4444 });

    const shown = await c.get('/address');
    const text = textOf(shown.body);
    assert.ok(text.includes('Your ticket address is ready'));
    assert.ok(!shown.body.includes('name="UserPubKeyAddr"'));
    for (const s of [expected.address, expected.feeAddress, expected.script, '7.5%']) {
      assert.ok(text.includes(s), `page shows ${s}`);
    }
    assert.ok(
      text.includes(
        `dcrctl --wallet purchaseticket "default" 100 1 ${expected.address} 1 ${expected.feeAddress} 7.5`,
      ),
    );
    assert.ok(text.includes(`dcrctl --wallet importscript ${expected.script}`));
    for (const line of [
      'enableticketbuyer=1',
      `pooladdress=${expected.feeAddress}`,
      'poolfees=7.5',
      `ticketbuyer.votingaddress=${expected.address}`,
    ]) {
      assert.ok(shown.body.includes(line), `conf has ${line}`);
    }

    // A second address is refused and changes nothing.
    const second = await c.post('/address', {
      csrf: csrfOf(shown.body),
      UserPubKeyAddr: newPubKeyAddress().address,
    });
    assert.equal(second.statusCode, 303);
    assert.ok(textOf((await c.get('/address')).body).includes('already submitted an address'));
    assert.deepEqual((await getPoolUser(h.database.db, user.id))?.multisig, stored?.multisig);
  });

  test('invalid addresses: 400 with the reason and the typed text, nothing stored', async () => {
    const { user, c } = await userClient(h);
    const page = await c.get('/address');
    const csrf = csrfOf(page.body);
    for (const [value, reason] of [
      ['Tk123', 'Address is too short'],
      ['<b>' + 'x'.repeat(40), "Couldn't decode address"],
    ] as const) {
      const res = await c.post('/address', { csrf, UserPubKeyAddr: value });
      assert.equal(res.statusCode, 400);
      assert.ok(textOf(res.body).includes(reason), reason);
      // Shown again, escaped.
      assert.ok(!res.body.includes('<b>xxxx'));
    }
    assert.equal((await getPoolUser(h.database.db, user.id))?.multisig, undefined);
  });

  test('a missing or wrong CSRF token changes nothing', async () => {
    const { user, c } = await userClient(h);
    await c.get('/address');
    for (const csrf of [undefined, 'x'.repeat(43)]) {
      const res = await c.post('/address', {
        ...(csrf === undefined ? {} : { csrf }),
        UserPubKeyAddr: newPubKeyAddress().address,
      });
      assertRedirect(res, '/address');
    }
    assert.ok(textOf((await c.get('/address')).body).includes('The form has expired'));
    assert.equal((await getPoolUser(h.database.db, user.id))?.multisig, undefined);
  });

  test('dcrd down: 503, nothing stored', async () => {
    const { user, c } = await userClient(h);
    const page = await c.get('/address');
    h.dcrd.fail = true;
    try {
      const res = await c.post('/address', {
        csrf: csrfOf(page.body),
        UserPubKeyAddr: newPubKeyAddress().address,
      });
      assert.equal(res.statusCode, 503);
      assert.ok(textOf(res.body).includes('cannot create your address right now'));
    } finally {
      h.dcrd.fail = false;
    }
    assert.equal((await getPoolUser(h.database.db, user.id))?.multisig, undefined);
  });
});
