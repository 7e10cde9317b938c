import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { netParams } from '../../src/dcr/params.ts';
import { RpcSetupError } from '../../src/rpc/errors.ts';
import { WalletClient, checkVotingWallet } from '../../src/rpc/wallet.ts';
import { FakeNode, loadFixtures } from '../helpers/fake-node.ts';

const fx = loadFixtures('wallet');
const reply = (key: string): unknown => (fx.replies[key] as { result: unknown }).result;

function caller(version: unknown, walletinfo: unknown) {
  return {
    call: <T>(method: string): Promise<T> =>
      Promise.resolve((method === 'version' ? version : walletinfo) as T),
  };
}

describe('checkVotingWallet (vspd’s voting wallet checks)', () => {
  it('accepts an RPC-synced, unlocked, voting wallet with manual tickets, without warnings', async () => {
    const warnings: string[] = [];
    const info = {
      ...(reply('walletinfo') as object),
      voting: true,
      unlocked: true,
      manualtickets: true,
    };
    await checkVotingWallet(caller(reply('version'), info), (m) => warnings.push(m));
    assert.deepEqual(warnings, []);
  });

  it('refuses an SPV wallet (no dcrd entries in its version reply)', async () => {
    const spv = { ...(reply('version') as Record<string, unknown>) };
    delete spv['dcrd'];
    delete spv['dcrdjsonrpcapi'];
    await assert.rejects(
      checkVotingWallet(caller(spv, reply('walletinfo')), () => {}),
      (e) => {
        assert.ok(e instanceof RpcSetupError);
        assert.match(e.message, /SPV/);
        return true;
      },
    );
  });

  it('warns about voting off, a locked wallet and manualtickets off', async () => {
    const warnings: string[] = [];
    const info = {
      ...(reply('walletinfo') as object),
      voting: false,
      unlocked: false,
      manualtickets: false,
    };
    await checkVotingWallet(caller(reply('version'), info), (m) => warnings.push(m));
    assert.equal(warnings.length, 3);
    assert.match(warnings.join('\n'), /enablevoting/);
    assert.match(warnings.join('\n'), /locked/);
    assert.match(warnings.join('\n'), /manualtickets/);
  });

  it('a WalletClient marked as a voting wallet runs the checks on connect', async () => {
    const spv = { ...(reply('version') as Record<string, unknown>) };
    delete spv['dcrdjsonrpcapi'];
    const node = await FakeNode.start({
      handlers: {
        version: () => spv,
        getcurrentnet: () => netParams('simnet').wireMagic,
        walletinfo: () => reply('walletinfo'),
      },
    });
    const c = new WalletClient({
      url: node.url,
      user: node.user,
      pass: node.pass,
      net: netParams('simnet'),
      votingWallet: true,
      reconnect: false,
    });
    try {
      await assert.rejects(c.connect({ timeoutMs: 2_000 }), RpcSetupError);
    } finally {
      c.close();
      await node.close();
    }
  });
});
