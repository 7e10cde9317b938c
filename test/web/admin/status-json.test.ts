// GET /admin/status: basic auth with the admin password; 200 when dcrd and every wallet are
// fine, 500 with the details otherwise (vspd's JSON shape).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { adminHarness, healthyWallet, PASSWORD } from './harness.ts';
import type { AdminHarness } from './harness.ts';

const open: AdminHarness[] = [];
after(async () => {
  for (const h of open) await h.close();
});

async function harness(): Promise<AdminHarness> {
  const h = await adminHarness();
  open.push(h);
  return h;
}

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function status(h: AdminHarness, authorization?: string, remoteAddress = '192.0.2.20') {
  return h.app.inject({
    method: 'GET',
    url: '/admin/status',
    remoteAddress,
    headers: authorization === undefined ? {} : { authorization },
  });
}

describe('/admin/status', () => {
  it('asks for basic auth without credentials', async () => {
    const h = await harness();
    const res = await status(h);
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['www-authenticate']), /^Basic realm="stakepool admin"/);
    assert.deepEqual(JSON.parse(res.body), { error: 'unauthorized' });
  });

  it('refuses a wrong password and malformed headers', async () => {
    const h = await harness();
    for (const auth of [
      basic('admin', 'wrong'),
      basic('admin', ''),
      `Bearer ${PASSWORD}`,
      'Basic !!!',
      `Basic ${Buffer.from(PASSWORD).toString('base64')}`, // no colon
    ]) {
      const res = await status(h, auth, '192.0.2.21');
      assert.equal(res.statusCode, 401, auth);
    }
  });

  it('answers 200 with every node described when all is well, for any user name', async () => {
    const h = await harness();
    for (const user of ['admin', '', 'monitor']) {
      const res = await status(h, basic(user, PASSWORD));
      assert.equal(res.statusCode, 200, user);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.deepEqual(JSON.parse(res.body), {
        dcrd: {
          host: 'wss://127.0.0.1:19109/ws',
          connected: true,
          bestblockerror: false,
          bestblockheight: 1_200_000,
        },
        wallets: {
          'wss://10.0.0.1:19110/ws': {
            connected: true,
            infoerror: false,
            daemonconnected: true,
            voteversion: 11,
            unlocked: true,
            voting: true,
            bestblockerror: false,
            bestblockheight: 1_200_000,
          },
          'wss://10.0.0.2:19110/ws': {
            connected: true,
            infoerror: false,
            daemonconnected: true,
            voteversion: 11,
            unlocked: true,
            voting: true,
            bestblockerror: false,
            bestblockheight: 1_200_000,
          },
        },
      });
    }
  });

  const problems: [string, (h: AdminHarness) => void][] = [
    ['dcrd unreachable', (h) => (h.health.report.dcrd.connected = false)],
    ['dcrd best block error', (h) => (h.health.report.dcrd.bestBlockError = true)],
    ...(
      [
        ['wallet unreachable', { connected: false }],
        ['walletinfo error', { infoError: true }],
        ['wallet not connected to dcrd', { daemonConnected: false }],
        ['wallet locked', { unlocked: false }],
        ['wallet not voting', { voting: false }],
        ['wallet best block error', { bestBlockError: true }],
      ] as const
    ).map(
      ([name, patch]) =>
        [
          name,
          (h: AdminHarness) => {
            (h.health.report.wallets as Map<string, ReturnType<typeof healthyWallet>>).set(
              'wss://10.0.0.2:19110/ws',
              { ...healthyWallet(), ...patch },
            );
          },
        ] as [string, (h: AdminHarness) => void],
    ),
  ];
  for (const [name, breakIt] of problems) {
    it(`answers 500 when ${name}`, async () => {
      const h = await harness();
      breakIt(h);
      const res = await status(h, basic('admin', PASSWORD));
      assert.equal(res.statusCode, 500);
      const body = JSON.parse(res.body) as { dcrd: object; wallets: Record<string, object> };
      assert.deepEqual(Object.keys(body), ['dcrd', 'wallets']);
      assert.equal(Object.keys(body.wallets).length, 2);
    });
  }

  it('answers 500 with a JSON error when the check itself throws', async () => {
    const h = await adminHarness({
      admin: { health: { check: () => Promise.reject(new Error('boom')) } },
    });
    open.push(h);
    const res = await status(h, basic('admin', PASSWORD));
    assert.equal(res.statusCode, 500);
    assert.deepEqual(JSON.parse(res.body), { error: 'health check failed' });
  });

  it('counts wrong passwords against the failed-login limit', async () => {
    const h = await harness();
    for (let i = 0; i < 5; i++) {
      assert.equal((await status(h, basic('admin', `guess${i}`), '192.0.2.30')).statusCode, 401);
    }
    const res = await status(h, basic('admin', PASSWORD), '192.0.2.30');
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['retry-after'], '900');
    assert.equal((await status(h, basic('admin', PASSWORD), '192.0.2.31')).statusCode, 200);
    // Requests without credentials (a client's first try) do not count.
    for (let i = 0; i < 10; i++) await status(h, undefined, '192.0.2.32');
    assert.equal((await status(h, basic('admin', PASSWORD), '192.0.2.32')).statusCode, 200);
  });
});
