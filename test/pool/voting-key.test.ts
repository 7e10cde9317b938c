import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, describe, it } from 'node:test';
import { redactConfig } from '../../src/config/index.ts';
import { equalBytes } from '../../src/dcr/bytes.ts';
import { ExtendedKey } from '../../src/dcr/hdkey.ts';
import { netParams } from '../../src/dcr/params.ts';
import { publicKeyCreate } from '../../src/dcr/secp.ts';
import { loadVotingKey, PoolVotingKey, VotingKeyError } from '../../src/pool/voting-key.ts';
import type { VotingKeyOptions } from '../../src/pool/voting-key.ts';
import { HOME, load, problemFor, problems } from '../config/helpers.ts';
import { votingAccount } from '../voting/pool-vote-fixtures.ts';

const net = netParams('simnet');
const account = votingAccount(net);
const other = votingAccount(net, 'another account');

function opts(o: Partial<VotingKeyOptions> = {}): VotingKeyOptions {
  return {
    votingWalletExtPrv: account.xprv,
    votingKeyFile: '',
    votingWalletExtPub: account.xpub,
    net,
    ...o,
  };
}

/** The VotingKeyError of a load that must fail; its message must not carry a private key. */
function refusal(o: VotingKeyOptions): string {
  try {
    loadVotingKey(o);
  } catch (e) {
    assert.ok(e instanceof VotingKeyError, `expected a VotingKeyError, got ${String(e)}`);
    for (const secret of [account.xprv, other.xprv]) {
      assert.ok(!e.message.includes(secret), `private key echoed: ${e.message}`);
    }
    return e.message;
  }
  assert.fail('expected the voting key to be refused');
}

const dir = mkdtempSync(join(tmpdir(), 'stakepool-voting-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadVotingKey', () => {
  it('gives user n the private half of votingxpub/0/n', () => {
    const key = loadVotingKey(opts());
    const xpub = ExtendedKey.fromString(account.xpub, net).child(0);
    for (const id of [1, 2, 17, 9999]) {
      const priv = key.privateKey(id);
      assert.equal(priv.length, 32);
      assert.ok(equalBytes(publicKeyCreate(priv), xpub.child(id).publicKey), `user ${id}`);
    }
    assert.equal(key.xpub, account.xpub);
  });

  it('reads a key file, skipping blank lines and comments', () => {
    const path = join(dir, 'voting.key');
    writeFileSync(path, `# voting account of the pool\n\n  ${account.xprv}  \n\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    const warnings: string[] = [];
    const key = loadVotingKey(
      opts({ votingWalletExtPrv: '', votingKeyFile: path, onWarning: (m) => warnings.push(m) }),
    );
    assert.equal(key.xpub, account.xpub);
    assert.deepEqual(warnings, []);
  });

  it('warns when others can read the key file', () => {
    const path = join(dir, 'open.key');
    writeFileSync(path, `${account.xprv}\n`);
    chmodSync(path, 0o644);
    const warnings: string[] = [];
    loadVotingKey(
      opts({ votingWalletExtPrv: '', votingKeyFile: path, onWarning: (m) => warnings.push(m) }),
    );
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /^votingkeyfile: .*open\.key can be read by other users \(mode 644\)/,
    );
  });

  it('refuses a missing, unreadable or malformed key file', () => {
    assert.match(
      refusal(opts({ votingWalletExtPrv: '', votingKeyFile: join(dir, 'absent.key') })),
      /^votingkeyfile: cannot read .*absent\.key \(ENOENT\)$/,
    );
    const two = join(dir, 'two.key');
    writeFileSync(two, `${account.xprv}\n${other.xprv}\n`, { mode: 0o600 });
    assert.match(
      refusal(opts({ votingWalletExtPrv: '', votingKeyFile: two })),
      /^votingkeyfile: .*two\.key must hold exactly one extended private key \(found 2 lines\)$/,
    );
    const extra = join(dir, 'extra.key');
    writeFileSync(extra, `voting ${account.xprv}\n`, { mode: 0o600 });
    assert.match(
      refusal(opts({ votingWalletExtPrv: '', votingKeyFile: extra })),
      /^votingkeyfile: .*extra\.key must hold the key alone on its line$/,
    );
    const empty = join(dir, 'empty.key');
    writeFileSync(empty, '# nothing yet\n', { mode: 0o600 });
    assert.match(refusal(opts({ votingWalletExtPrv: '', votingKeyFile: empty })), /found 0 lines/);
  });

  it('needs exactly one of votingwalletextprv and votingkeyfile', () => {
    assert.equal(
      refusal(opts({ votingWalletExtPrv: '' })),
      'the voter needs the voting account private key: set votingwalletextprv or votingkeyfile',
    );
    assert.equal(
      refusal(opts({ votingKeyFile: join(dir, 'voting.key') })),
      'votingwalletextprv and votingkeyfile are both set; set only one of them',
    );
  });

  it('refuses a public key, a key of another network and a garbled key', () => {
    assert.match(
      refusal(opts({ votingWalletExtPrv: account.xpub })),
      /^votingwalletextprv: is an extended public key; the voter needs the extended private key/,
    );
    const mainnet = votingAccount(netParams('mainnet'));
    assert.match(
      refusal(opts({ votingWalletExtPrv: mainnet.xprv })),
      /^votingwalletextprv: wrong network: expected a simnet extended key, got a mainnet private key/,
    );
    // Flip one character of the key's body to a different one: the checksum no longer matches.
    const i = 50;
    const c = account.xprv[i] === 'a' ? 'b' : 'a';
    const garbled = account.xprv.slice(0, i) + c + account.xprv.slice(i + 1);
    assert.match(refusal(opts({ votingWalletExtPrv: garbled })), /^votingwalletextprv: /);
  });

  it('refuses a key that is not votingwalletextpub’s, naming both options', () => {
    const msg = refusal(opts({ votingWalletExtPrv: other.xprv }));
    assert.equal(
      msg,
      `votingwalletextprv: is not the private key of votingwalletextpub (its public key is ${other.xpub})`,
    );
    const path = join(dir, 'other.key');
    writeFileSync(path, other.xprv, { mode: 0o600 });
    assert.match(
      refusal(opts({ votingWalletExtPrv: '', votingKeyFile: path })),
      /^votingkeyfile: is not the private key of votingwalletextpub/,
    );
  });

  it('needs votingwalletextpub to check the key against', () => {
    assert.equal(
      refusal(opts({ votingWalletExtPub: '' })),
      'votingwalletextpub: required to check votingwalletextprv; set it as well',
    );
    assert.match(
      refusal(opts({ votingWalletExtPub: account.xprv })),
      /^votingwalletextpub: must be an extended public key$/,
    );
  });

  it('accepts the account key of a child whose metadata differ but whose derivation agrees', () => {
    // Same key and chain code, other depth/parent: the keys it derives are the same.
    const child = account.key.child(0x80000000 + 44);
    const xpub = child.neuter().toString();
    const key = loadVotingKey(
      opts({ votingWalletExtPrv: child.toString(), votingWalletExtPub: xpub }),
    );
    assert.equal(key.xpub, xpub);
  });
});

describe('PoolVotingKey', () => {
  it('keeps at most cacheSize derived keys, least recently used out first', () => {
    const key = new PoolVotingKey(account.key, 2);
    const k1 = key.privateKey(1);
    const k2 = key.privateKey(2);
    assert.equal(key.privateKey(1), k1, 'a hit returns the cached array');
    key.privateKey(3); // evicts 2, the least recently used
    assert.equal(key.cachedKeys, 2);
    assert.equal(key.privateKey(1), k1);
    const again = key.privateKey(2);
    assert.notEqual(again, k2, 'user 2 was derived again');
    assert.ok(equalBytes(again, k2));
  });

  it('rejects user ids that are not non-hardened child indexes', () => {
    const key = new PoolVotingKey(account.key);
    for (const bad of [-1, 1.5, 0x80000000, Number.NaN]) {
      assert.throws(() => key.privateKey(bad), /^RangeError: userId: /);
    }
    assert.throws(() => new PoolVotingKey(account.key.neuter()), /^TypeError: accountKey: /);
    assert.throws(() => new PoolVotingKey(account.key, 0), /^RangeError: cacheSize: /);
  });

  it('never shows the private key in JSON or util.inspect', () => {
    const key = loadVotingKey(opts());
    key.privateKey(1);
    const shown = [JSON.stringify({ key }), inspect(key, { showHidden: true, depth: 5 })];
    for (const s of shown) {
      assert.ok(!s.includes(account.xprv), s);
      assert.ok(!s.includes(Buffer.from(key.privateKey(1)).toString('hex')), s);
    }
    assert.equal(JSON.stringify({ key }), '{"key":"[voting key]"}');
  });
});

describe('config: votingwalletextprv and votingkeyfile', () => {
  const legacy = ['--legacypool', '--network=simnet'];

  it('are legacy-face options: the key secret and redacted, the file a path under homedir', () => {
    const { config } = load(
      [...legacy, `--votingwalletextprv=${account.xprv}`],
      undefined,
      {},
      {
        role: 'admin',
      },
    );
    assert.equal(config.votingWalletExtPrv, account.xprv);
    assert.equal(config.votingKeyFile, '');
    const redacted = redactConfig(config);
    assert.equal(redacted.votingWalletExtPrv, '***');
    assert.ok(!JSON.stringify(redacted).includes(account.xprv));

    const f = load(
      [...legacy, '--votingkeyfile=keys/voting.key'],
      undefined,
      {},
      { role: 'admin' },
    );
    assert.equal(f.config.votingKeyFile, join(HOME, '.stakepool', 'keys', 'voting.key'));
    assert.equal(f.config.votingWalletExtPrv, '');
  });

  it('votingwalletextprv must be a private key of the network, never echoed', () => {
    const pub = problemFor(
      problems(
        [...legacy, `--votingwalletextprv=${account.xpub}`],
        undefined,
        {},
        { role: 'admin' },
      ),
      'votingwalletextprv',
    );
    assert.equal(
      pub.text,
      'votingwalletextprv: must be an extended private key, not a public key (flag --votingwalletextprv)',
    );
    const mainnet = votingAccount(netParams('mainnet'));
    const wrong = problemFor(
      problems(
        [...legacy, `--votingwalletextprv=${mainnet.xprv}`],
        undefined,
        {},
        { role: 'admin' },
      ),
      'votingwalletextprv',
    );
    assert.match(
      wrong.text,
      /^votingwalletextprv: not a valid simnet extended private key \(wrong network/,
    );
    assert.ok(!wrong.text.includes(mainnet.xprv));
  });

  it('only one of the two may be set', () => {
    const p = problemFor(
      problems(
        [...legacy, `--votingwalletextprv=${account.xprv}`, '--votingkeyfile=voting.key'],
        undefined,
        {},
        { role: 'admin' },
      ),
      'votingkeyfile',
    );
    assert.equal(
      p.text,
      'votingkeyfile: set only one of votingwalletextprv and votingkeyfile (flag --votingkeyfile)',
    );
  });
});
