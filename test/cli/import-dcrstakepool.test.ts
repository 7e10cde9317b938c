// import-dcrstakepool against a real MariaDB database laid out as dcrstakepool's gorp made it
// (reference §6), imported into a fresh database of each test engine, twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { hashSync } from 'bcryptjs';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import {
  DcrstakepoolSourceError,
  formatImportReport,
  importDcrstakepool,
  parseImportArgs,
  sourceDb,
} from '../../src/cli/import-dcrstakepool.ts';
import type { ImportReport } from '../../src/cli/import-dcrstakepool.ts';
import { createProgress } from '../../src/cli/progress.ts';
import { OBSOLETE_OPTIONS, OPTION_KEYS, optionDef } from '../../src/config/schema.ts';
import {
  createPoolUser,
  getPoolUser,
  setPoolUserApiToken,
  setPoolUserMultisig,
  setPoolUserPassword,
  setPoolUserVoteBits,
} from '../../src/db/pool-users.ts';
import { getSetting, setSetting, SETTING_KEYS } from '../../src/db/settings.ts';
import type { Db } from '../../src/db/transaction.ts';
import { verifyUserPassword } from '../../src/pool/password.ts';
import { UNUSABLE_PASSWORD_HASH } from '../../src/pool/import.ts';
import { createTestDatabase, DEFAULT_MYSQL_URL, testEngines } from '../db/engines.ts';
import type { TestDatabase } from '../db/engines.ts';

const serverUrl = new URL(process.env['STAKEPOOL_TEST_MYSQL_URL'] ?? DEFAULT_MYSQL_URL);

// gorp's MySQL dialect: int64 → bigint, string → varchar(255), []byte → mediumblob, the key
// "bigint not null auto_increment primary key", no other index; the table suffix InnoDB utf8mb4.
const GORP_TABLES = [
  `create table if not exists \`Users\` (\`UserId\` bigint not null auto_increment primary key,
    \`Email\` varchar(255), \`Username\` varchar(255), \`Password\` mediumblob,
    \`MultiSigAddress\` varchar(255), \`MultiSigScript\` varchar(255),
    \`PoolPubKeyAddr\` varchar(255), \`UserPubKeyAddr\` varchar(255), \`UserFeeAddr\` varchar(255),
    \`HeightRegistered\` bigint, \`EmailVerified\` bigint, \`EmailToken\` varchar(255),
    \`APIToken\` varchar(255), \`VoteBits\` bigint, \`VoteBitsVersion\` bigint
  ) engine=InnoDB charset=UTF8MB4`,
  `create table if not exists \`EmailChange\` (\`EmailChangeID\` bigint not null auto_increment
    primary key, \`UserId\` bigint, \`NewEmail\` varchar(255), \`Token\` varchar(255),
    \`Created\` bigint, \`Expires\` bigint) engine=InnoDB charset=UTF8MB4`,
  `create table if not exists \`LowFeeTicket\` (\`LowFeeTicketID\` bigint not null auto_increment
    primary key, \`AddedByUid\` bigint, \`TicketAddress\` varchar(255), \`TicketHash\` varchar(255),
    \`TicketExpiry\` bigint, \`Voted\` bigint, \`Created\` bigint, \`Expires\` bigint
  ) engine=InnoDB charset=UTF8MB4`,
  `create table if not exists \`PasswordReset\` (\`PasswordResetID\` bigint not null auto_increment
    primary key, \`UserId\` bigint, \`Token\` varchar(255), \`Created\` bigint, \`Expires\` bigint
  ) engine=InnoDB charset=UTF8MB4`,
  `create table if not exists \`Session\` (\`SessionID\` bigint not null auto_increment primary key,
    \`Token\` varchar(255), \`Data\` mediumblob, \`UserId\` bigint, \`Created\` bigint,
    \`Expires\` bigint) engine=InnoDB charset=UTF8MB4`,
];

/** A bcrypt hash as Go's x/crypto/bcrypt writes it ($2a$, cost 10). */
function goBcrypt(password: string): string {
  return hashSync(password, 10).replace(/^\$2b\$/, '$2a$');
}

function pubKeyHex(): string {
  return `02${randomBytes(32).toString('hex')}`;
}

interface SourceUser {
  id: number;
  email: string;
  password: string | Buffer;
  multisig?: { address: string; script: string; pool: string; user: string; fee: string };
  height: number;
  verified: number;
  apiToken: string;
  voteBits: number;
  voteBitsVersion: number;
}

function multisig(tag: string): NonNullable<SourceUser['multisig']> {
  return {
    address: `TcImport${tag}${randomBytes(12).toString('hex')}`,
    script: `5121${pubKeyHex()}21${pubKeyHex()}52ae`,
    pool: `TkPool${tag}${randomBytes(16).toString('hex')}`,
    user: `TkUser${tag}${randomBytes(16).toString('hex')}`,
    fee: `TsFee${tag}${randomBytes(12).toString('hex')}`,
  };
}

const ALICE_PASSWORD = 'correct horse battery';
const BOB_PASSWORD = 'bob has a password';
const TICKET_A = randomBytes(32).toString('hex');
const TICKET_B = randomBytes(32).toString('hex');

const USERS: SourceUser[] = [
  {
    id: 1,
    email: 'alice@example.com',
    password: goBcrypt(ALICE_PASSWORD),
    multisig: multisig('A'),
    height: 1200,
    verified: 1,
    apiToken: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${randomBytes(24).toString('base64url')}.sig`,
    voteBits: 5,
    voteBitsVersion: 7,
  },
  {
    // Grandfathered (registered before email verification existed), no API token.
    id: 2,
    email: 'bob@example.com',
    password: goBcrypt(BOB_PASSWORD),
    multisig: multisig('B'),
    height: 500,
    verified: 2,
    apiToken: '',
    voteBits: 1,
    voteBitsVersion: 3,
  },
  {
    // Never submitted an address: every multisig column is '' and the height 0.
    id: 3,
    email: 'carol@example.com',
    password: goBcrypt('carol'),
    height: 0,
    verified: 0,
    apiToken: '',
    voteBits: 1,
    voteBitsVersion: 3,
  },
  {
    // Same address as alice in another case: dcrstakepool had no unique index (#420).
    id: 4,
    email: ' Alice@Example.COM',
    password: goBcrypt('other alice'),
    multisig: multisig('D'),
    height: 900,
    verified: 1,
    apiToken: '',
    voteBits: 1,
    voteBitsVersion: 3,
  },
  {
    // The hash was damaged somehow: the account is still imported (its tickets matter).
    id: 6,
    email: 'dave@example.com',
    password: 'not a bcrypt hash',
    height: 0,
    verified: 1,
    apiToken: '',
    voteBits: 1,
    voteBitsVersion: 3,
  },
  {
    // Beyond the HD indexes stakepool derives keys for.
    id: 10000,
    email: 'eve@example.com',
    password: goBcrypt('eve'),
    height: 0,
    verified: 1,
    apiToken: '',
    voteBits: 1,
    voteBitsVersion: 3,
  },
];

async function mysqlAdmin(statement: string): Promise<void> {
  const conn = await createConnection({ uri: serverUrl.href, connectTimeout: 5000 });
  try {
    await conn.query(statement);
  } finally {
    await conn.end();
  }
}

/** A fresh MariaDB database with dcrstakepool's tables; returns its mysql:// URL. */
async function createSourceDatabase(fill: (conn: Connection) => Promise<void>): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  const name = `stakepool_test_dcrstakepool_${process.pid}_${randomBytes(4).toString('hex')}`;
  // dcrstakepool's databases were made by hand or by its docs: server default collation.
  await mysqlAdmin(`create database \`${name}\` character set utf8mb4`);
  const url = new URL(serverUrl.href);
  url.pathname = `/${name}`;
  const conn = await createConnection({ uri: url.href });
  try {
    for (const sql of GORP_TABLES) await conn.query(sql);
    await fill(conn);
  } finally {
    await conn.end();
  }
  return { url: url.href, drop: () => mysqlAdmin(`drop database if exists \`${name}\``) };
}

async function fillDcrstakepool(conn: Connection): Promise<void> {
  for (const u of USERS) {
    const ms = u.multisig;
    await conn.query(
      'insert into Users (UserId, Email, Username, Password, MultiSigAddress, MultiSigScript, ' +
        'PoolPubKeyAddr, UserPubKeyAddr, UserFeeAddr, HeightRegistered, EmailVerified, ' +
        'EmailToken, APIToken, VoteBits, VoteBitsVersion) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
      [
        u.id,
        u.email,
        u.email,
        Buffer.from(u.password),
        ms?.address ?? '',
        ms?.script ?? '',
        ms?.pool ?? '',
        ms?.user ?? '',
        ms?.fee ?? '',
        u.height,
        u.verified,
        u.verified === 0 ? randomBytes(16).toString('hex') : '',
        u.apiToken,
        u.voteBits,
        u.voteBitsVersion,
      ],
    );
  }
  const lowFee = [
    [1, TICKET_A, 1_600_000_100],
    [1, TICKET_B, 1_600_000_200],
    // Added twice by the admin: the earlier row is the one kept.
    [2, TICKET_A, 1_600_000_300],
    [1, 'not-a-ticket-hash', 1_600_000_400],
  ] as const;
  for (const [by, hash, created] of lowFee) {
    await conn.query(
      'insert into LowFeeTicket (AddedByUid, TicketAddress, TicketHash, TicketExpiry, Voted, ' +
        'Created, Expires) values (?,?,?,0,0,?,?)',
      [by, USERS[0]?.multisig?.address, hash, created, created + 3_000_000],
    );
  }
  for (const uid of [1, -1]) {
    await conn.query(
      'insert into Session (Token, Data, UserId, Created, Expires) values (?,?,?,?,?)',
      [randomBytes(16).toString('hex'), Buffer.from([1, 2, 3]), uid, 1, 2],
    );
  }
  await conn.query(
    'insert into EmailChange (UserId, NewEmail, Token, Created, Expires) values (?,?,?,?,?)',
    [1, 'alice@new.example', randomBytes(16).toString('hex'), 1, 2],
  );
}

class Collector {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function poolUserRows(db: Db): Promise<unknown[]> {
  return db.selectFrom('pool_users').selectAll().orderBy('id').execute();
}

async function lowFeeRows(
  db: Db,
): Promise<{ ticket_hash: string; added_by: number; created_at: bigint }[]> {
  return db.selectFrom('pool_low_fee_tickets').selectAll().orderBy('created_at').execute();
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Runs importDcrstakepoolCommand in a child process, as `stakepool import-dcrstakepool` does. */
function runCommand(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const code =
    "const m = await import('./src/cli/import-dcrstakepool.ts');" +
    'process.exitCode = await m.importDcrstakepoolCommand(process.argv.slice(1));';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', code, '--', ...args],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout, stderr }));
  });
}

function user(id: number): SourceUser {
  const u = USERS.find((x) => x.id === id);
  if (u === undefined) throw new Error(`no source user ${id}`);
  return u;
}

describe('import-dcrstakepool', () => {
  let source: { url: string; drop: () => Promise<void> } | undefined;
  const sourceUrl = () => {
    if (source === undefined) throw new Error('source database was not created');
    return source.url;
  };
  before(async () => {
    source = await createSourceDatabase(fillDcrstakepool);
  });
  after(async () => {
    await source?.drop();
  });

  for (const engine of testEngines()) {
    describe(`into ${engine}`, () => {
      let t: TestDatabase | undefined;
      const db = (): Db => {
        if (t === undefined) throw new Error('target was not created');
        return t.db;
      };
      before(async () => {
        t = await createTestDatabase(engine);
      });
      after(async () => {
        await t?.drop();
      });

      let first: ImportReport | undefined;
      const progress = new Collector(false);

      it('copies users, multisig scripts, tokens and low-fee tickets', async () => {
        // The follower had got ahead of the imported users' registrations.
        await setSetting(db(), SETTING_KEYS.poolLastScannedBlock, '5000');
        await setSetting(db(), SETTING_KEYS.poolLastScannedHash, 'ab'.repeat(32));
        first = await importDcrstakepool({
          target: db(),
          from: sourceUrl(),
          progress: (label, total) => createProgress(label, total, progress),
        });
        const r = first;
        assert.equal(r.users.read, 6);
        assert.equal(r.users.created, 4);
        assert.equal(r.users.unchanged, 0);
        assert.deepEqual(r.users.duplicates, [
          { id: 4, email: 'Alice@Example.COM', keptId: 1, hasMultisig: true },
        ]);
        assert.deepEqual(
          r.users.rejected.map((x) => x.id),
          [10000],
        );
        assert.match(r.users.rejected[0]?.reason ?? '', /1\.\.9999/);
        assert.deepEqual(
          r.users.warnings.map((w) => w.id),
          [6],
        );
        assert.deepEqual(r.users.conflicts, []);
        assert.deepEqual(r.users.differing, []);
        assert.equal(r.lowFeeTickets.read, 4);
        assert.equal(r.lowFeeTickets.created, 2);
        assert.equal(r.lowFeeTickets.rejected.length, 1);
        assert.deepEqual(r.notCarriedOver, {
          sessions: 2,
          emailChanges: 1,
          passwordResets: 0,
          pendingVerifications: 1,
        });
        assert.deepEqual(r.scanPoint, { from: 5000, to: 499 });
        assert.doesNotMatch(r.source, /:stakepool@/, 'no password in the report');

        const alice = await getPoolUser(db(), 1);
        const a = user(1);
        assert.ok(alice);
        assert.equal(alice.email, 'alice@example.com');
        assert.equal(alice.passwordHash, a.password);
        assert.equal(alice.emailVerified, 1);
        assert.deepEqual(alice.multisig, {
          address: a.multisig?.address,
          script: a.multisig?.script,
          poolPubKeyAddr: a.multisig?.pool,
          userPubKeyAddr: a.multisig?.user,
          feeAddress: a.multisig?.fee,
          heightRegistered: 1200,
        });
        assert.equal(alice.voteBits, 5);
        assert.equal(alice.voteBitsVersion, 7);
        assert.equal(alice.apiToken, a.apiToken);
        assert.equal(await verifyUserPassword(alice.passwordHash, ALICE_PASSWORD), true);
        assert.equal(await verifyUserPassword(alice.passwordHash, 'wrong'), false);

        const bob = await getPoolUser(db(), 2);
        assert.equal(bob?.emailVerified, 2, 'grandfathered stays grandfathered');
        assert.equal(bob?.apiToken, undefined);
        assert.equal(bob?.multisig?.heightRegistered, 500);
        assert.equal(await verifyUserPassword(bob?.passwordHash ?? '', BOB_PASSWORD), true);

        const carol = await getPoolUser(db(), 3);
        assert.equal(carol?.multisig, undefined);
        assert.equal(carol?.emailVerified, 0);

        const dave = await getPoolUser(db(), 6);
        assert.equal(dave?.passwordHash, UNUSABLE_PASSWORD_HASH);
        assert.equal(
          await verifyUserPassword(dave?.passwordHash ?? '', 'not a bcrypt hash'),
          false,
        );

        assert.equal(await getPoolUser(db(), 4), undefined);
        assert.equal(await getPoolUser(db(), 5), undefined);

        const lowFee = await lowFeeRows(db());
        assert.deepEqual(lowFee, [
          { ticket_hash: TICKET_A, added_by: 1, created_at: 1_600_000_100n },
          { ticket_hash: TICKET_B, added_by: 1, created_at: 1_600_000_200n },
        ]);

        assert.equal(await getSetting(db(), SETTING_KEYS.poolLastScannedBlock), '499');
        assert.equal(await getSetting(db(), SETTING_KEYS.poolLastScannedHash), undefined);
      });

      it('shows progress: a line every 10% when stderr is not a terminal', () => {
        const lines = progress.text.trimEnd().split('\n');
        assert.deepEqual(lines, [
          'users: 25% (1/4)',
          'users: 50% (2/4)',
          'users: 75% (3/4)',
          'users: 100% (4/4)',
          'low-fee tickets: 50% (1/2)',
          'low-fee tickets: 100% (2/2)',
        ]);
      });

      it('changes nothing when run again, and says so', async () => {
        const usersBefore = await poolUserRows(db());
        const lowFeeBefore = await lowFeeRows(db());
        // The follower moved on after the first import: a re-run must not send it back.
        await setSetting(db(), SETTING_KEYS.poolLastScannedBlock, '6000');
        const r = await importDcrstakepool({ target: db(), from: sourceUrl() });
        assert.equal(r.users.created, 0);
        assert.equal(r.users.unchanged, 4);
        assert.deepEqual(r.users.updated, []);
        assert.deepEqual(r.users.differing, []);
        assert.equal(r.lowFeeTickets.created, 0);
        assert.equal(r.lowFeeTickets.unchanged, 2);
        assert.equal(r.scanPoint, undefined);
        assert.deepEqual(await poolUserRows(db()), usersBefore);
        assert.deepEqual(await lowFeeRows(db()), lowFeeBefore);
        assert.equal(await getSetting(db(), SETTING_KEYS.poolLastScannedBlock), '6000');
        const text = formatImportReport(r);
        assert.match(text, /^users: 6 read: 0 created, 4 unchanged, 1 duplicate email/m);
        assert.match(text, /^low-fee tickets: 4 read: 0 created, 2 unchanged/m);
        assert.match(
          text,
          /user 4 <Alice@Example\.COM>: skipped, same email as user 1 \(it has a multisig/,
        );
        assert.match(text, /not carried over: 2 sessions/);
      });

      it('reports a user changed since, and replaces it only with --overwrite', async () => {
        // Alice logged in (hash upgraded to scrypt) and changed her vote bits on the new pool.
        await setPoolUserPassword(db(), 1, 'scrypt$16384$8$1$c2FsdA$aGFzaA');
        await setPoolUserVoteBits(db(), 1, 9, 7);
        const usersBefore = await poolUserRows(db());
        const r = await importDcrstakepool({ target: db(), from: sourceUrl() });
        assert.deepEqual(r.users.differing, [
          {
            id: 1,
            email: 'alice@example.com',
            fields: ['password', 'voteBits'],
            multisigKept: false,
          },
        ]);
        assert.equal(r.users.unchanged, 3);
        assert.deepEqual(await poolUserRows(db()), usersBefore);
        assert.match(
          formatImportReport(r),
          /user 1 <alice@example\.com>: differs in password, voteBits/,
        );

        const o = await importDcrstakepool({ target: db(), from: sourceUrl(), overwrite: true });
        assert.deepEqual(o.users.updated, [{ id: 1, fields: ['password', 'voteBits'] }]);
        assert.deepEqual(o.users.differing, []);
        const alice = await getPoolUser(db(), 1);
        assert.equal(alice?.passwordHash, user(1).password);
        assert.equal(alice?.voteBits, 5);

        const again = await importDcrstakepool({
          target: db(),
          from: sourceUrl(),
          overwrite: true,
        });
        assert.equal(again.users.unchanged, 4);
        assert.deepEqual(again.users.updated, []);
      });
    });
  }

  describe('into a target that already has accounts', () => {
    let t: TestDatabase | undefined;
    before(async () => {
      t = await createTestDatabase('sqlite');
    });
    after(async () => {
      await t?.drop();
    });

    it('fills in a new address, keeps a stored one, and skips users whose email is taken', async () => {
      const db = t?.db;
      assert.ok(db);
      // Alice was imported before she submitted her address to dcrstakepool.
      const a = user(1);
      await createPoolUser(db, {
        id: 1,
        email: a.email,
        passwordHash: String(a.password),
        emailVerified: 1,
        voteBits: a.voteBits,
        voteBitsVersion: a.voteBitsVersion,
      });
      await setPoolUserApiToken(db, 1, a.apiToken);
      // Bob has a different multisig here: it is never replaced, even with --overwrite.
      await createPoolUser(db, {
        id: 2,
        email: 'bob@example.com',
        passwordHash: 'scrypt$x',
        emailVerified: 1,
        voteBits: 1,
        voteBitsVersion: 3,
      });
      const other = multisig('X');
      await setPoolUserMultisig(db, 2, {
        address: other.address,
        script: other.script,
        poolPubKeyAddr: other.pool,
        userPubKeyAddr: other.user,
        feeAddress: other.fee,
        heightRegistered: 10,
      });
      // Carol's address was registered here under another id.
      await createPoolUser(db, {
        id: 50,
        email: 'CAROL@example.com',
        passwordHash: 'scrypt$y',
        emailVerified: 1,
        voteBits: 1,
        voteBitsVersion: 3,
      });

      const r = await importDcrstakepool({ target: db, from: sourceUrl() });
      assert.deepEqual(r.users.updated, [{ id: 1, fields: ['multisig'] }]);
      assert.equal((await getPoolUser(db, 1))?.multisig?.address, a.multisig?.address);
      assert.deepEqual(r.users.differing, [
        {
          id: 2,
          email: 'bob@example.com',
          fields: ['password', 'emailVerified'],
          multisigKept: true,
        },
      ]);
      assert.deepEqual(r.users.conflicts, [
        { id: 3, email: 'carol@example.com', reason: 'email belongs to user 50 here' },
      ]);
      assert.equal(await getPoolUser(db, 3), undefined);
      // Nothing was scanned yet: the scan point is set below alice's registration (bob's
      // multisig was not imported).
      assert.deepEqual(r.scanPoint, { from: undefined, to: 1199 });
      const text = formatImportReport(r);
      assert.match(text, /user 2 <bob@example\.com>: has another multisig address here; kept/);
      assert.match(text, /user 3 <carol@example\.com>: skipped, email belongs to user 50 here/);

      const o = await importDcrstakepool({ target: db, from: sourceUrl(), overwrite: true });
      assert.deepEqual(o.users.updated, [{ id: 2, fields: ['password', 'emailVerified'] }]);
      assert.deepEqual(o.users.differing, [
        { id: 2, email: 'bob@example.com', fields: [], multisigKept: true },
      ]);
      const bob = await getPoolUser(db, 2);
      assert.equal(bob?.multisig?.address, other.address);
      assert.equal(bob?.emailVerified, 2);
      assert.equal(o.scanPoint, undefined);
    });
  });

  describe('the command', () => {
    let home: string | undefined;
    before(async () => {
      home = await mkdtemp(join(tmpdir(), 'stakepool-import-home-'));
    });
    after(async () => {
      if (home !== undefined) await rm(home, { recursive: true, force: true });
    });
    const target = () => [
      `--homedir=${home}`,
      '--network=simnet',
      '--database=sqlite',
      '--loglevel=warn',
    ];

    it('imports into the configured database, with progress on stderr and the report on stdout', async () => {
      const first = await runCommand([`--from=${sourceUrl()}`, ...target()]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^users: 6 read: 4 created, 0 unchanged/m);
      assert.match(first.stdout, /^pool scan point set to block 499/m);
      assert.match(first.stderr, /^users: 100% \(4\/4\)$/m);
      assert.doesNotMatch(first.stdout + first.stderr, /:stakepool@/);
      const again = await runCommand([`--from=${sourceUrl()}`, ...target()]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^users: 6 read: 0 created, 4 unchanged/m);
      assert.match(again.stdout, /^low-fee tickets: 4 read: 0 created, 2 unchanged/m);
    });

    it('exits 1 with a one-line reason when the source cannot be opened, 2 on bad usage', async () => {
      const bad = new URL(sourceUrl());
      bad.password = 'Sekr1t-wrong';
      const denied = await runCommand([`--from=${bad.href}`, ...target()]);
      assert.equal(denied.code, 1);
      assert.match(
        denied.stderr,
        /^import-dcrstakepool: cannot open the dcrstakepool database mysql:\/\/stakepool@.*Access denied/m,
      );
      assert.doesNotMatch(denied.stderr, /Sekr1t/);
      const noFrom = await runCommand(target());
      assert.equal(noFrom.code, 2);
      assert.match(noFrom.stderr, /--from is required/);
      const pg = await runCommand(['--from=postgres://u@h/db', ...target()]);
      assert.equal(pg.code, 2);
      assert.match(pg.stderr, /give a mysql:\/\/ or mariadb:\/\/ URL/);
    });
  });

  describe('a bad source', () => {
    let t: TestDatabase | undefined;
    let empty: { url: string; drop: () => Promise<void> } | undefined;
    before(async () => {
      t = await createTestDatabase('sqlite');
      empty = await createSourceDatabase(async (conn) => {
        await conn.query('drop table Users');
      });
    });
    after(async () => {
      await t?.drop();
      await empty?.drop();
    });
    const run = (from: string) => {
      assert.ok(t);
      return importDcrstakepool({ target: t.db, from });
    };

    it('is not a MySQL URL', async () => {
      await assert.rejects(run('postgres://u:p@127.0.0.1/pool'), {
        name: 'TypeError',
        message: /^from: dcrstakepool used MySQL\/MariaDB; give a mysql:\/\/ or mariadb:\/\/ URL/,
      });
      await assert.rejects(run('stakepool@localhost/db'), {
        name: 'TypeError',
        message: /^from: not a URL/,
      });
      await assert.rejects(run('mysql://u:p@127.0.0.1:3306/'), {
        name: 'TypeError',
        message: /^from: the URL names no database/,
      });
      await assert.rejects(run('mysql://u:p@127.0.0.1:99999/x'), { name: 'TypeError' });
    });

    it('cannot be reached, and the message names it without the password', async () => {
      const err = await run('mysql://stakepool:Sekr1t@127.0.0.1:1/dcrstakepool').then(
        () => assert.fail('no error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof DcrstakepoolSourceError);
      assert.match(
        err.message,
        /^cannot open the dcrstakepool database mysql:\/\/stakepool@127\.0\.0\.1:1\/dcrstakepool: .*(ECONNREFUSED|refused)/,
      );
      assert.doesNotMatch(err.message, /Sekr1t/);
    });

    it('refuses the login or names an unknown database', async () => {
      const wrong = new URL(serverUrl.href);
      wrong.password = 'not-the-password';
      wrong.pathname = '/stakepool_test';
      await assert.rejects(run(wrong.href), {
        name: 'DcrstakepoolSourceError',
        message: /Access denied/,
      });
      const missing = new URL(serverUrl.href);
      missing.pathname = `/no_such_db_${randomBytes(4).toString('hex')}`;
      await assert.rejects(run(missing.href), {
        name: 'DcrstakepoolSourceError',
        message: /cannot open .*(Unknown database|Access denied)/,
      });
    });

    it('is not a dcrstakepool database', async () => {
      assert.ok(empty);
      await assert.rejects(run(empty.url), {
        name: 'DcrstakepoolSourceError',
        message: /has no Users table: it is not a dcrstakepool database/,
      });
    });
  });
});

describe('import-dcrstakepool arguments', () => {
  it('splits its own flags from the config flags of the target', () => {
    const a = parseImportArgs([
      '--from',
      'mysql://u:p@db:3307/pool',
      '-C',
      'stakepool.conf',
      '--overwrite',
      '--dbfile=/x/y.db',
    ]);
    assert.equal(a.from, 'mysql://u:p@db:3307/pool');
    assert.equal(a.overwrite, true);
    assert.deepEqual(a.rest, ['-C', 'stakepool.conf', '--dbfile=/x/y.db']);
    assert.deepEqual(sourceDb(a.from), {
      host: 'db',
      port: 3307,
      user: 'u',
      password: 'p',
      database: 'pool',
    });
  });

  it("reads dcrstakepool.conf's db options, and --from-db… flags override them", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stakepool-import-'));
    try {
      const conf = join(dir, 'dcrstakepool.conf');
      await writeFile(
        conf,
        '[Application Options]\ndbhost=10.0.0.5\ndbport=3310\ndbname=pool\ndbuser=sp\n' +
          'dbpassword="p@ss w"\napisecret=x\nstakepooldhosts=127.0.0.1\n',
      );
      const a = parseImportArgs([`--from=${conf}`, '--from-dbport=3311']);
      assert.deepEqual(a.from, {
        dbHost: '10.0.0.5',
        dbPort: 3311,
        dbName: 'pool',
        dbUser: 'sp',
        dbPassword: 'p@ss w',
      });
      assert.deepEqual(a.rest, []);
      const b = parseImportArgs(['--from-dbhost', 'h', '--from-dbpassword=pw']);
      assert.ok(b.from !== undefined);
      assert.deepEqual(sourceDb(b.from), {
        host: 'h',
        port: 3306,
        user: 'stakepool',
        password: 'pw',
        database: 'stakepool',
      });
      assert.throws(() => parseImportArgs([`--from=${join(dir, 'missing.conf')}`]), {
        name: 'TypeError',
        message: /^from: cannot read .*missing\.conf/,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects contradictory or incomplete flags', () => {
    assert.throws(() => parseImportArgs(['--from=mysql://h/db', '--from-dbhost=x']), TypeError);
    assert.throws(() => parseImportArgs(['--from']), /--from: needs a value/);
    assert.throws(() => parseImportArgs(['--from-dbport=http']), /--from-dbport: not a port/);
    assert.throws(() => parseImportArgs(['--overwrite=1']), TypeError);
    assert.equal(parseImportArgs(['-h']).help, true);
  });
});

describe('docs/migrating-from-dcrstakepool.md', () => {
  it('names every dcrstakepool and stakepoold option stakepool reads or only warns about', async () => {
    const doc = await readFile(
      new URL('../../docs/migrating-from-dcrstakepool.md', import.meta.url),
      'utf8',
    );
    const names = new Set<string>();
    for (const key of OPTION_KEYS) {
      for (const u of optionDef(key).upstream ?? []) {
        if (u.file !== 'vspd.conf') names.add(u.name);
      }
    }
    for (const o of OBSOLETE_OPTIONS) if (o.from !== 'vspd.conf') names.add(o.name);
    const missing = [...names].filter((n) => !doc.includes(`\`${n}\``));
    assert.deepEqual(missing, []);
    assert.match(doc, /stakepool import-dcrstakepool/);
  });
});
