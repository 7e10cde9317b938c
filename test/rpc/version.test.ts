// The semver API check run on every connection, and the error types the RPC clients throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DCRD_MIN_API } from '../../src/rpc/dcrd.ts';
import {
  isRpcError,
  RpcConnectionError,
  RpcError,
  RpcErrorCode,
  RpcSetupError,
} from '../../src/rpc/errors.ts';
import { checkApiVersion, formatSemVer, isCompatible } from '../../src/rpc/version.ts';
import type { VersionMap } from '../../src/rpc/version.ts';
import { WALLET_API_2_0, WALLET_API_2_1 } from '../../src/rpc/wallet.ts';
import { loadFixtures } from '../helpers/fake-node.ts';

const v = (major: number, minor: number, patch: number) => ({ major, minor, patch });

describe('isCompatible', () => {
  const need = v(8, 3, 0);
  const table: [ReturnType<typeof v>, boolean][] = [
    [v(8, 3, 0), true],
    [v(8, 3, 7), true],
    [v(8, 4, 0), true],
    [v(8, 10, 0), true],
    [v(8, 2, 99), false],
    [v(7, 9, 0), false],
    [v(9, 0, 0), false],
  ];
  for (const [have, expected] of table) {
    it(`${formatSemVer(have)} for ${formatSemVer(need)}: ${expected}`, () => {
      assert.equal(isCompatible(have, need), expected);
    });
  }

  it('compares the patch only within the same minor', () => {
    assert.equal(isCompatible(v(11, 1, 0), v(11, 0, 5)), true);
    assert.equal(isCompatible(v(11, 0, 4), v(11, 0, 5)), false);
  });
});

describe('checkApiVersion', () => {
  const entry = (major: number, minor: number, patch: number) => ({
    versionstring: `${major}.${minor}.${patch}`,
    major,
    minor,
    patch,
  });

  it('accepts the recorded nodes', () => {
    const dcrd = loadFixtures('dcrd').replies['version']?.result as VersionMap;
    const wallet = loadFixtures('wallet').replies['version']?.result as VersionMap;
    const legacy = loadFixtures('wallet').replies['version#legacy']?.result as VersionMap;
    assert.equal(checkApiVersion(dcrd, 'dcrdjsonrpcapi', [DCRD_MIN_API]), undefined);
    assert.equal(checkApiVersion(wallet, 'dcrwalletjsonrpcapi', [WALLET_API_2_1]), undefined);
    assert.equal(checkApiVersion(legacy, 'dcrwalletjsonrpcapi', [WALLET_API_2_0]), undefined);
    // A wallet's version reply also carries its dcrd's API.
    assert.equal(checkApiVersion(wallet, 'dcrdjsonrpcapi', [DCRD_MIN_API]), undefined);
  });

  it('names the version found and the ones accepted', () => {
    assert.equal(
      checkApiVersion({ x: entry(10, 2, 1) }, 'x', [WALLET_API_2_1, WALLET_API_2_0]),
      'x is 10.2.1, need 11.x (≥ 11.0.0) or 9.x (≥ 9.2.0)',
    );
  });

  it('reports a missing entry', () => {
    assert.equal(
      checkApiVersion({}, 'dcrdjsonrpcapi', [DCRD_MIN_API]),
      `the node's version reply has no "dcrdjsonrpcapi" entry`,
    );
  });
});

describe('RPC errors', () => {
  it('RpcError keeps the code, method and node message apart', () => {
    const e = new RpcError(-32601, 'Method not found', 'nosuchmethod');
    assert.equal(e.name, 'RpcError');
    assert.equal(e.message, 'nosuchmethod: Method not found (code -32601)');
    assert.equal(e.nodeMessage, 'Method not found');
    assert.ok(isRpcError(e));
    assert.ok(isRpcError(e, RpcErrorCode.MethodNotFound));
    assert.ok(!isRpcError(e, RpcErrorCode.Misc));
    assert.ok(!isRpcError(new Error('x')));
  });

  it('nodeMessage survives a message that itself mentions a code', () => {
    const e = new RpcError(-1, 'failed (code 7) twice', 'getinfo');
    assert.equal(e.nodeMessage, 'failed (code 7) twice');
  });

  it('the connection and setup errors are distinct Error types', () => {
    const c = new RpcConnectionError('dcrd: timed out');
    const s = new RpcSetupError('dcrd: wrong network');
    assert.equal(c.name, 'RpcConnectionError');
    assert.equal(s.name, 'RpcSetupError');
    assert.ok(c instanceof Error && !(c instanceof RpcSetupError));
    assert.ok(s instanceof Error && !(s instanceof RpcConnectionError));
  });

  it('the named codes agree with what the nodes sent', () => {
    const codes = (name: 'dcrd' | 'wallet'): Record<string, number> =>
      Object.fromEntries(
        Object.entries(loadFixtures(name).replies).flatMap(([k, r]) =>
          r.error === undefined ? [] : [[k, r.error.code]],
        ),
      );
    const dcrd = codes('dcrd');
    assert.equal(dcrd['getrawtransaction#unknown'], RpcErrorCode.NoTxInfo);
    assert.equal(dcrd['getblock#unknown'], RpcErrorCode.BlockNotFound);
    assert.equal(dcrd['sendrawtransaction#duplicate'], RpcErrorCode.DuplicateTx);
    assert.equal(dcrd['nosuchmethod'], RpcErrorCode.MethodNotFound);
    const wallet = codes('wallet');
    assert.equal(wallet['walletpassphrase#wrong'], RpcErrorCode.WalletPassphraseIncorrect);
    assert.equal(wallet['sendtoaddress#insufficient'], RpcErrorCode.WalletInsufficientFunds);
    assert.equal(wallet['getnewaddress#unknownaccount'], RpcErrorCode.WalletInvalidAccountName);
  });
});
