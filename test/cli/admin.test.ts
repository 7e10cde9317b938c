// The vspadmin-style commands, run in-process on an SQLite database under a temporary home
// directory: createdatabase, retirexpub and writeconfig.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createDatabaseCommand,
  retireXpubCommand,
  writeConfigCommand,
} from '../../src/cli/admin.ts';
import { loadConfig } from '../../src/config/index.ts';
import { ExtendedKey } from '../../src/dcr/hdkey.ts';
import { netParams } from '../../src/dcr/params.ts';
import { allFeeXpubs, createDatabase, getSetting } from '../../src/db/index.ts';
import { ServerKey, SERVER_KEY_SETTING } from '../../src/vsp/server-key.ts';
import { fromHex } from '../../src/dcr/bytes.ts';

const TESTNET = netParams('testnet3');

function xpub(seedByte: number, net = TESTNET): string {
  return ExtendedKey.fromSeed(new Uint8Array(32).fill(seedByte), net).neuter().toString();
}

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Run a command with stdout/stderr captured (the commands print for the operator). */
async function run(fn: () => number | Promise<number>): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  };
  try {
    return { code: await fn(), out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
}

describe('stakepool createdatabase / retirexpub', () => {
  let home: string;
  let flags: string[];
  const dbFile = (): string => join(home, 'data', 'testnet3', 'stakepool.db');

  const open = () => createDatabase({ engine: 'sqlite', sqlitePath: dbFile() });

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'stakepool-admin-'));
    flags = [`--homedir=${home}`, '--loglevel=error'];
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('retirexpub refuses a database that has no fee xpub yet', async () => {
    const r = await run(() => retireXpubCommand([...flags, xpub(1)]));
    assert.equal(r.code, 1);
    assert.match(r.err, /no fee xpub to retire; create it with createdatabase/);
    const database = open();
    try {
      assert.deepEqual(await allFeeXpubs(database.db), []);
    } finally {
      await database.close();
    }
  });

  it('refuses a private key, a key of another network, and no key at all', async () => {
    const priv = ExtendedKey.fromSeed(new Uint8Array(32).fill(2), TESTNET).toString();
    await assert.rejects(createDatabaseCommand([...flags, priv]), /xpub: .*private/);
    await assert.rejects(
      createDatabaseCommand([...flags, xpub(2, netParams('mainnet'))]),
      /xpub: wrong network/,
    );
    await assert.rejects(createDatabaseCommand(flags), /xpub: missing/);
  });

  it('creates the database with the fee xpub and the VSP signing key, printing its public key', async () => {
    const r = await run(() => createDatabaseCommand([...flags, xpub(1)]));
    assert.equal(r.code, 0, r.err);
    const database = open();
    try {
      const keys = await allFeeXpubs(database.db);
      assert.equal(keys.length, 1);
      assert.equal(keys[0]?.xpub, xpub(1));
      assert.equal(keys[0]?.lastUsedIndex, 0);
      const seed = await getSetting(database.db, SERVER_KEY_SETTING);
      assert.ok(seed !== undefined, 'signing key stored at createdatabase');
      const pub = new ServerKey(fromHex(seed)).publicKeyBase64;
      assert.ok(r.out.includes(`VSP public key (dcrwallet --vsp.pubkey): ${pub}`), r.out);
    } finally {
      await database.close();
    }
  });

  it('refuses to run twice', async () => {
    const r = await run(() => createDatabaseCommand([...flags, xpub(3)]));
    assert.equal(r.code, 1);
    assert.match(r.err, /already has a fee xpub \(see retirexpub\)/);
  });

  it('retirexpub retires the active key and makes the new one active with the next id', async () => {
    const before = await (async () => {
      const database = open();
      try {
        return await getSetting(database.db, SERVER_KEY_SETTING);
      } finally {
        await database.close();
      }
    })();
    const r = await run(() => retireXpubCommand([...flags, xpub(4)]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /fee xpub #0 \S+ retired; new fee xpub #1 /);
    const database = open();
    try {
      const keys = await allFeeXpubs(database.db);
      assert.deepEqual(
        keys.map((k) => [k.id, k.xpub, k.retiredAt === undefined]),
        [
          [0, xpub(1), false],
          [1, xpub(4), true],
        ],
      );
      // The signing key wallets pin is untouched.
      assert.equal(await getSetting(database.db, SERVER_KEY_SETTING), before);
    } finally {
      await database.close();
    }
  });

  it('retirexpub refuses a key that was used before', async () => {
    await assert.rejects(retireXpubCommand([...flags, xpub(1)]), /xpub: already used/);
  });
});

describe('stakepool writeconfig', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'stakepool-writeconfig-'));
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('writes {homedir}/stakepool.conf that reads back as the defaults, and never overwrites', async () => {
    const path = join(home, 'stakepool.conf');
    const r = await run(() => writeConfigCommand([`--homedir=${home}`]));
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(path));
    const { config } = loadConfig([`--configfile=${path}`], {}, undefined, { role: 'admin' });
    assert.equal(config.network, 'testnet3');
    assert.equal(config.vspFee, 3);

    const text = readFileSync(path, 'utf8');
    const again = await run(() => writeConfigCommand([`--homedir=${home}`]));
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists; not overwriting it/);
    assert.equal(readFileSync(path, 'utf8'), text);
  });

  it('writes the network given on the command line into the file', async () => {
    const path = join(home, 'mainnet.conf');
    const r = await run(() => writeConfigCommand([`--homedir=${home}`, '--network=mainnet', path]));
    assert.equal(r.code, 0, r.err);
    assert.match(readFileSync(path, 'utf8'), /^network=mainnet$/m);
    const { config } = loadConfig([`--configfile=${path}`], {}, undefined, { role: 'admin' });
    assert.equal(config.network, 'mainnet');
  });
});
