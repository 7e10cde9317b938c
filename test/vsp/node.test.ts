import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBlockHeader, toHex } from '../../src/dcr/index.ts';
import type { BlockHeader } from '../../src/dcr/index.ts';
import type { DcrdClient } from '../../src/rpc/dcrd.ts';
import { vspDcrd } from '../../src/vsp/node.ts';

const header: BlockHeader = {
  version: 10,
  prevBlock: new Uint8Array(32).fill(1),
  merkleRoot: new Uint8Array(32).fill(2),
  stakeRoot: new Uint8Array(32).fill(3),
  voteBits: 1,
  finalState: new Uint8Array(6),
  voters: 5,
  freshStake: 3,
  revocations: 0,
  poolSize: 41234,
  bits: 0x1b01ffff,
  sbits: 123_45678901n,
  height: 987_654,
  size: 12345,
  timestamp: 1_700_000_000,
  nonce: 7,
  extraData: new Uint8Array(32),
  stakeVersion: 11,
};

describe('vspDcrd over the RPC client', () => {
  it('reads SBits exactly from the raw best block header, and maps verbose txs', async () => {
    const calls: string[] = [];
    const client = {
      getBestBlockHash: () => {
        calls.push('getbestblockhash');
        return Promise.resolve('ab'.repeat(32));
      },
      getBlockHeaderHex: (hash: string) => {
        calls.push(`getblockheader ${hash}`);
        return Promise.resolve(toHex(encodeBlockHeader(header)));
      },
      getRawTransactionVerbose: (txid: string) =>
        Promise.resolve(
          txid === 'mempool'
            ? { hex: '00', txid }
            : { hex: '01', txid, confirmations: 9, blockheight: 100 },
        ),
      sendRawTransaction: (hex: string) => Promise.resolve(`sent ${hex}`),
      existsLiveTicket: (h: string) => Promise.resolve(h === 'live'),
    } as unknown as DcrdClient;
    const d = vspDcrd(client);
    assert.deepEqual(await d.getBestBlockHeader(), {
      height: 987_654,
      sbits: 123_45678901n,
      poolSize: 41234,
    });
    assert.deepEqual(calls, ['getbestblockhash', `getblockheader ${'ab'.repeat(32)}`]);
    assert.deepEqual(await d.getRawTransaction('mined'), {
      hex: '01',
      confirmations: 9,
      blockHeight: 100,
    });
    assert.deepEqual(await d.getRawTransaction('mempool'), {
      hex: '00',
      confirmations: 0,
      blockHeight: 0,
    });
    assert.equal(await d.sendRawTransaction('beef'), 'sent beef');
    assert.equal(await d.existsLiveTicket('live'), true);
  });
});
