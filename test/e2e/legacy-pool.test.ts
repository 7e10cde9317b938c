// Proof of the legacy pool on a real simnet, through `stakepool serve` built by the composition
// root as in production: a user registers (captcha, the verification mail caught by a real SMTP
// server on loopback), verifies, logs in, submits a pubkey address of the legacy customer wallet
// (dcrwallet 2.0.x `validateaddress`), and gets the 1-of-2 P2SH and fee address; that wallet buys
// tickets with `purchaseticket … ticketaddress numtickets pooladdress poolfees`; the pool finds
// them by following the chain, a ticket with too low a fee is ignored until an admin adds it on
// /admintickets, and every pool ticket that wins is voted by our own voters (serve's and a
// separate `stakepool voter` process on the same database, killed half-way) with the user's
// vote bits; /tickets shows them voted; the v1 API answers with the user's token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/index.ts';
import type { AppContext } from '../../src/context.ts';
import { createContext } from '../../src/context.ts';
import { ExtendedKey, HARDENED } from '../../src/dcr/hdkey.ts';
import { netParams } from '../../src/dcr/params.ts';
import { voteBits } from '../../src/dcr/stake.ts';
import { decodeTx } from '../../src/dcr/tx.ts';
import { getPoolTicket } from '../../src/db/pool-tickets.ts';
import type { PoolTicket } from '../../src/db/pool-tickets.ts';
import { getPoolUserByEmail } from '../../src/db/pool-users.ts';
import type { PoolUser } from '../../src/db/pool-users.ts';
import { Simnet } from '../../src/simnet/harness.ts';
import { freePort } from '../../src/simnet/ports.ts';
import { ticketField } from '../../src/web/views/pool/admintickets.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import type { SmtpSink } from '../helpers/smtp-sink.ts';
import { HttpBrowser, csrfOf } from './http-browser.ts';

const net = netParams('simnet');
const EMAIL = 'buyer@example.invalid';
const PASSWORD = 'correct horse battery';
const POOL_FEE = 7.5;
/** maxtreasuryspend "yes" (0x0004 in its mask 0x0006) plus the previous block's approval. */
const USER_VOTE_BITS = 0x0005;

describe('e2e: the legacy pool on a real simnet', { timeout: 1_200_000 }, () => {
  let sim: Simnet;
  let smtp: SmtpSink;
  let ctx: AppContext;
  let url: string;
  let home: string;
  let configFile: string;
  let user: PoolUser;
  let voter: ChildProcess | undefined;
  let voterLog = '';
  const valid: string[] = [];
  let lowFee = '';

  before(async () => {
    sim = await Simnet.start();
    smtp = await startSmtpSink();
    home = mkdtempSync(join(tmpdir(), 'stakepool-legacy-e2e-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // The pool's voting account: a key only stakepool holds (no wallet can vote these tickets).
    const account = ExtendedKey.fromSeed(randomBytes(32), net)
      .child(HARDENED + 44)
      .child(HARDENED + 115)
      .child(HARDENED);
    const st = sim.state();
    // One config file for serve and the separate voter: they share the database.
    configFile = join(home, 'stakepool.conf');
    writeFileSync(
      configFile,
      [
        `datadir=${join(home, 'data')}`,
        `logdir=${join(home, 'logs')}`,
        'network=simnet',
        'vsp=0',
        'legacypool=1',
        'database=sqlite',
        `dcrdhost=127.0.0.1:${st.dcrd.rpcPort}`,
        `dcrduser=${st.rpcUser}`,
        `dcrdpass=${st.rpcPass}`,
        `dcrdcert=${st.dcrd.cert}`,
        'adminpass=e2e-admin',
        'supportemail=ops@example.invalid',
        `listen=127.0.0.1:${port}`,
        `baseurl=${url}`,
        `apisecret=${randomBytes(16).toString('hex')}`,
        `coldwalletextpub=${await sim.miner.client.getMasterPubKey('default')}`,
        `votingwalletextpub=${account.neuter().toString()}`,
        `votingwalletextprv=${account.toString()}`,
        `poolfees=${POOL_FEE}`,
        `smtphost=127.0.0.1:${smtp.port}`,
        'smtpfrom=pool@example.invalid',
        'adminips=127.0.0.1',
        'adminuserids=1',
        'loglevel=warn',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const { config, sources } = loadConfig(
      [`--homedir=${home}`, `--configfile=${configFile}`],
      {},
      undefined,
      {
        role: 'serve',
      },
    );
    ctx = await createContext(config, { sources });
    await ctx.web.listen({ host: '127.0.0.1', port });
  });

  after(async () => {
    voter?.kill('SIGKILL');
    await ctx?.close();
    await smtp?.close();
    await sim?.stop();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  it('registers with the captcha and the emailed link, logs in, and gets a multisig address', async () => {
    const b = new HttpBrowser(url);
    const first = await b.get('/register');
    assert.equal(first.status, 200);
    const digits = await b.captchaDigits(ctx.database.db);
    assert.ok(digits !== undefined, 'a captcha was issued');
    const solved = await b.post('/verifyhuman', {
      csrf: csrfOf(first.body),
      captchaSolution: digits,
      return: '/register',
    });
    assert.equal(solved.status, 303);
    const form = await b.get('/register');
    const registered = await b.post('/register', {
      csrf: csrfOf(form.body),
      email: EMAIL,
      password: PASSWORD,
      passwordrepeat: PASSWORD,
    });
    assert.equal(registered.status, 303, registered.body);

    const mail = await smtp.waitFor((m) => m.rcptTo.includes(EMAIL), 30_000);
    assert.equal(mail.subject, 'Voting service provider email verification');
    const link = /(\/emailverify\?t=[0-9a-f]{32})/.exec(mail.text)?.[1];
    assert.ok(link !== undefined, mail.text);
    const verified = await b.get(link);
    assert.equal(verified.status, 303, verified.body);
    assert.equal(verified.location, '/login');

    const login = await b.get('/login');
    const res = await b.post('/login', {
      csrf: csrfOf(login.body),
      email: EMAIL,
      password: PASSWORD,
    });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/address');

    const legacy = sim.legacyCustomer.client;
    const info = await legacy.validateAddress(await legacy.getNewAddress('default'));
    const page = await b.get('/address');
    const submitted = await b.post('/address', {
      csrf: csrfOf(page.body),
      UserPubKeyAddr: (info as { pubkeyaddr: string }).pubkeyaddr,
    });
    assert.equal(submitted.status, 303, submitted.body);
    const found = await getPoolUserByEmail(ctx.database.db, EMAIL);
    assert.ok(found?.multisig !== undefined, 'the multisig is stored');
    user = found;
    const shown = await b.get('/address');
    assert.ok(shown.body.includes(user.multisig!.address), 'the page shows the P2SH');
    assert.ok(shown.body.includes(user.multisig!.feeAddress), 'the page shows the fee address');

    // The user's vote preference, saved on /voting, goes into every vote the pool casts.
    const voting = await b.get('/voting');
    const saved = await b.post('/voting', {
      csrf: csrfOf(voting.body),
      'agenda-maxtreasuryspend': 'yes',
    });
    assert.equal(saved.status, 303, saved.body);
    user = (await getPoolUserByEmail(ctx.database.db, EMAIL))!;
    assert.equal(user.voteBits, USER_VOTE_BITS);
  });

  it('finds the tickets the legacy wallet buys, and ignores the one that pays too little', async () => {
    const legacy = sim.legacyCustomer.client;
    const m = user.multisig!;
    // dcrwallet 2.0.x double-spends its own unmined split when it buys twice in one block.
    for (const fee of [POOL_FEE, POOL_FEE, POOL_FEE, 0.5]) {
      const [hash] = await legacy.purchaseLegacyPoolTicket({
        ticketAddress: m.address,
        poolAddress: m.feeAddress,
        poolFeePercent: fee,
        numTickets: 1,
      });
      assert.ok(hash !== undefined);
      if (fee === POOL_FEE) valid.push(hash);
      else lowFee = hash;
      await sim.mine(1);
    }
    const all = [...valid, lowFee];
    let rows: (PoolTicket | undefined)[] = [];
    for (let i = 0; i < 20; i++) {
      rows = await Promise.all(all.map((h) => getPoolTicket(ctx.database.db, h)));
      if (rows.every((r) => r !== undefined)) break;
      await sim.mine(1);
      await sleep(300);
    }
    for (const [i, r] of rows.entries()) {
      assert.ok(r !== undefined, `ticket ${all[i]} found by following the chain`);
      assert.equal(r.userId, user.id);
      assert.equal(r.ticketAddress, m.address);
    }
    for (const h of valid) assert.equal((await getPoolTicket(ctx.database.db, h))?.feeStatus, 'ok');
    const low = await getPoolTicket(ctx.database.db, lowFee);
    assert.equal(low?.feeStatus, 'low');
    assert.ok(low.feePaid < low.feeRequired);
  });

  it('lets an admin add the low-fee ticket on /admintickets', async () => {
    const b = new HttpBrowser(url);
    const login = await b.get('/login');
    await b.post('/login', { csrf: csrfOf(login.body), email: EMAIL, password: PASSWORD });
    const page = await b.get('/admintickets');
    assert.equal(page.status, 200, 'user 1 from 127.0.0.1 is an admin');
    assert.ok(page.body.includes(lowFee), 'the ignored list shows the low-fee ticket');
    const res = await b.post('/admintickets', {
      csrf: csrfOf(page.body),
      action: 'add',
      [ticketField(lowFee)]: '1',
    });
    assert.equal(res.status, 303, res.body);
    assert.equal((await getPoolTicket(ctx.database.db, lowFee))?.lowFeeAdded, true);
  });

  it('votes every winning pool ticket with the user vote bits, with a second voter killed half-way', async () => {
    // A separate voter on the same database races serve's own; it is killed after a while.
    voter = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'voter',
        `--homedir=${home}`,
        `--configfile=${configFile}`,
        '--loglevel=info',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    voter.stdout?.on('data', (d: Buffer) => (voterLog += d.toString()));
    voter.stderr?.on('data', (d: Buffer) => (voterLog += d.toString()));
    const all = [...valid, lowFee];
    let blocks = 0;
    let killedAt: number | undefined;
    for (; blocks < 400; blocks++) {
      const rows = await Promise.all(all.map((h) => getPoolTicket(ctx.database.db, h)));
      for (const r of rows) {
        assert.notEqual(r?.outcome, 'missed', `${r?.hash} missed its vote`);
        assert.notEqual(r?.outcome, 'expired', `${r?.hash} expired`);
      }
      if (rows.every((r) => r?.outcome === 'voted')) break;
      if (killedAt === undefined && rows.some((r) => r?.outcome === 'voted')) {
        voter.kill('SIGKILL');
        killedAt = blocks;
      }
      await sim.mine(1);
      await sleep(150);
    }
    for (const h of all) {
      const r = await getPoolTicket(ctx.database.db, h);
      assert.equal(r?.outcome, 'voted', `${h} voted (after ${blocks} blocks)`);
      const vote = decodeTx(await sim.dcrd.getRawTransaction(r.spentBy));
      assert.equal(voteBits(vote).bits, USER_VOTE_BITS, `${h} voted with the user's bits`);
    }
    assert.ok(killedAt !== undefined, 'the second voter was killed half-way');
    assert.match(voterLog, /stakepool voter running/);
  });

  it('shows the tickets voted on /tickets, and the v1 API answers with the user token', async () => {
    const b = new HttpBrowser(url);
    const login = await b.get('/login');
    await b.post('/login', { csrf: csrfOf(login.body), email: EMAIL, password: PASSWORD });
    const page = await b.get('/tickets?group=voted');
    assert.equal(page.status, 200);
    for (const h of [...valid, lowFee]) assert.ok(page.body.includes(h.slice(0, 16)), h);

    const token = (await getPoolUserByEmail(ctx.database.db, EMAIL))?.apiToken;
    assert.ok(token !== undefined, '/address issued an API token');
    const res = await fetch(`${url}/api/v1/getpurchaseinfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { code: number; data: { TicketAddress: string } };
    assert.equal(body.code, 0);
    assert.equal(body.data.TicketAddress, user.multisig!.address);
  });
});
