// Proof that an unmodified dcrwallet 2.1.x uses stakepool as its VSP: started with --vsp.url and
// --vsp.pubkey pointing at `stakepool serve` (built by the composition root, as in production),
// it buys tickets with purchaseticket; the fee address is issued, the fee paid, broadcast after
// 6 confirmations and confirmed; the tickets reach the pool's voting wallet and vote on chain;
// /ticketstatus reports them confirmed; a setvotechoice on the customer's wallet reaches the pool
// and its voting wallet; the admin ticket page shows the outcome.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/index.ts';
import type { AppContext } from '../../src/context.ts';
import { createContext, createLogger, openDatabase } from '../../src/context.ts';
import { getTicket, setFeeXpub } from '../../src/db/index.ts';
import { Simnet } from '../../src/simnet/harness.ts';

describe('e2e: a real dcrwallet 2.1.x uses stakepool as its VSP', { timeout: 900_000 }, () => {
  let sim: Simnet;
  let ctx: AppContext;
  let url: string;
  let home: string;
  let tickets: string[] = [];

  before(async () => {
    sim = await Simnet.start();
    home = mkdtempSync(join(tmpdir(), 'stakepool-vsp-e2e-'));
    const st = sim.state();
    const v = sim.votingWallets[0]!;
    const args = [
      `--homedir=${home}`,
      '--network=simnet',
      '--database=sqlite',
      `--dcrdhost=127.0.0.1:${st.dcrd.rpcPort}`,
      `--dcrduser=${st.rpcUser}`,
      `--dcrdpass=${st.rpcPass}`,
      `--dcrdcert=${st.dcrd.cert}`,
      `--wallethost=127.0.0.1:${v.rpcPort}`,
      `--walletuser=${st.rpcUser}`,
      `--walletpass=${st.rpcPass}`,
      `--walletcert=${v.certFile}`,
      '--adminpass=e2e-admin',
      '--supportemail=ops@example.invalid',
      '--listen=127.0.0.1:0',
      '--loglevel=warn',
    ];
    const { config } = loadConfig(args, {}, undefined, { role: 'serve' });
    const db = await openDatabase(config, createLogger(config));
    await setFeeXpub(db.db, await sim.miner.client.getMasterPubKey('default'));
    await db.close();
    ctx = await createContext(config);
    url = await ctx.web.listen({ host: '127.0.0.1', port: 0 });
    const info = (await (await fetch(`${url}/api/v3/vspinfo`)).json()) as { pubkey: string };
    await sim.restartWallet('customer', [`--vsp.url=${url}`, `--vsp.pubkey=${info.pubkey}`]);
  });

  after(async () => {
    await ctx?.close();
    await sim?.stop();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  it('registers tickets bought with purchaseticket: fee address issued and fee paid', async () => {
    tickets = await sim.customer.client.purchaseTicket('default', 2);
    assert.equal(tickets.length, 2);
    for (const t of tickets) {
      const row = await getTicket(ctx.database.db, t);
      assert.ok(row !== undefined, `ticket ${t} registered`);
      assert.equal(row.feeTxStatus, 'received');
      assert.ok(row.feeAmount > 0n);
      assert.notEqual(row.votingWif, '');
    }
  });

  it('broadcasts the fee after 6 confirmations, confirms it, and adds the ticket to the voting wallet', async () => {
    const voting = sim.votingWallets[0]!.client;
    for (let i = 0; i < 40; i++) {
      await sim.mine(1);
      await sleep(200); // the follower runs on blockconnected
      const rows = await Promise.all(tickets.map((t) => getTicket(ctx.database.db, t)));
      const inWallet = new Set((await voting.ticketInfo(0)).map((t) => t.hash));
      if (
        rows.every((r) => r?.feeTxStatus === 'confirmed') &&
        tickets.every((t) => inWallet.has(t))
      )
        break;
    }
    for (const t of tickets) {
      const row = await getTicket(ctx.database.db, t);
      assert.equal(row?.confirmed, true, `${t} confirmed`);
      assert.equal(row?.feeTxStatus, 'confirmed', `${t} fee confirmed`);
      const fee = await sim.dcrd.getRawTransactionVerbose(row.feeTxHash);
      assert.ok((fee.confirmations ?? 0) >= 6);
    }
    const inWallet = new Set((await voting.ticketInfo(0)).map((t) => t.hash));
    for (const t of tickets) assert.ok(inWallet.has(t), `${t} is in the voting wallet`);
  });

  it('reports the ticket confirmed to the wallet (ticketinfo / ticketstatus)', async () => {
    const info = await sim.customer.client.ticketInfo(0);
    for (const t of tickets) {
      const mine = info.find((x) => x.hash === t);
      assert.ok(mine !== undefined);
      assert.equal(mine.vsphost, url);
    }
    // processunmanagedticket asks the VSP for /ticketstatus and errors out on any problem.
    for (const t of tickets) await sim.customer.client.rpc.call('processunmanagedticket', [t]);
  });

  it("passes the wallet's setvotechoice on to the pool and its voting wallet", async () => {
    const t = tickets[0]!;
    await sim.customer.client.setVoteChoice('maxtreasuryspend', 'yes', t);
    let row = await getTicket(ctx.database.db, t);
    for (let i = 0; i < 50 && row?.voteChoices['maxtreasuryspend'] !== 'yes'; i++) {
      await sleep(100);
      row = await getTicket(ctx.database.db, t);
    }
    assert.equal(row?.voteChoices['maxtreasuryspend'], 'yes');
    const onVotingWallet = (await sim.votingWallets[0]!.client.ticketInfo(0)).find(
      (x) => x.hash === t,
    );
    const choice = onVotingWallet?.choices?.find((c) => c.agendaid === 'maxtreasuryspend');
    assert.equal(choice?.choiceid, 'yes');
  });

  it('votes the tickets on chain and records the outcome, shown on the admin page', async () => {
    for (const t of tickets) {
      const result = await sim.waitForTicketOutcome(t);
      assert.equal(result.outcome, 'voted', `${t} voted`);
    }
    await sim.mine(1);
    for (let i = 0; i < 50; i++) {
      const rows = await Promise.all(tickets.map((t) => getTicket(ctx.database.db, t)));
      if (rows.every((r) => r?.outcome === 'voted')) break;
      await sleep(100);
    }
    for (const t of tickets) assert.equal((await getTicket(ctx.database.db, t))?.outcome, 'voted');

    // Admin: log in, then search the ticket.
    const page = await fetch(`${url}/admin`);
    const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const login = await fetch(`${url}/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ password: 'e2e-admin', csrf }).toString(),
      redirect: 'manual',
    });
    assert.ok([302, 303].includes(login.status), `login redirects (got ${login.status})`);
    const session = login.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    const ticketPage = await fetch(`${url}/admin/ticket?hash=${tickets[0]!}`, {
      headers: { cookie: session },
    });
    assert.equal(ticketPage.status, 200);
    const body = await ticketPage.text();
    assert.ok(body.includes(tickets[0]!));
    assert.ok(!body.includes('name="password"'), 'the ticket page, not the login form');
    assert.match(body, /voted/i);
  });
});
