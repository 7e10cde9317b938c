import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  envName,
  loadConfig,
  OPTION_KEYS,
  optionDef,
  redactConfig,
} from '../../src/config/index.ts';
import type {
  ChainNetwork,
  Config,
  ConfigSource,
  DatabaseEngine,
  DeriveContext,
  LogLevel,
  OptionKey,
  OptionValues,
  Role,
} from '../../src/config/index.ts';
import {
  BASE_ENV,
  fakeFs,
  HOME,
  load,
  problemFor,
  problems,
  SERVE_FLAGS,
  xprv,
  xpub,
} from './helpers.ts';

const CONF = `${HOME}/.stakepool/stakepool.conf`;

describe('config precedence: defaults < file < env < flags', () => {
  it('takes each scalar from the highest layer that sets it and records where', () => {
    const file = { [CONF]: 'vspfee=1.5\ndesignation=File\nlisten=:9000\n' };
    const env = { ...BASE_ENV, STAKEPOOL_VSPFEE: '2.5', STAKEPOOL_DESIGNATION: 'Env' };
    const r = load(['--vspfee=4'], env, file, { role: 'admin' });
    assert.equal(r.config.vspFee, 4);
    assert.equal(r.config.designation, 'Env');
    assert.equal(r.config.listen, ':9000');
    assert.equal(r.config.maxLogSize, 10);
    assert.deepEqual(r.sources.vspFee, { kind: 'flag', name: '--vspfee' });
    assert.deepEqual(r.sources.designation, { kind: 'env', name: 'STAKEPOOL_DESIGNATION' });
    assert.deepEqual(r.sources.listen, { kind: 'file', path: CONF, line: 3, name: 'listen' });
    assert.deepEqual(r.sources.maxLogSize, { kind: 'default' });
    assert.equal(r.configFile, CONF);

    assert.equal(load([], env, file, { role: 'admin' }).config.vspFee, 2.5);
    assert.equal(load([], BASE_ENV, file, { role: 'admin' }).config.vspFee, 1.5);
    assert.equal(load([], BASE_ENV, {}, { role: 'admin' }).config.vspFee, 3);
  });

  it('adds up list entries within a layer; a higher layer replaces the list', () => {
    const file = { [CONF]: 'wallethost=10.0.0.1\nwallethost=10.0.0.2,10.0.0.3:1234\n' };
    const fromFile = load([], BASE_ENV, file, { role: 'admin' }).config.walletHosts;
    assert.deepEqual(fromFile, ['10.0.0.1:19110', '10.0.0.2:19110', '10.0.0.3:1234']);
    const env = { ...BASE_ENV, STAKEPOOL_WALLETHOST: 'e1,e2' };
    assert.deepEqual(load([], env, file, { role: 'admin' }).config.walletHosts, [
      'e1:19110',
      'e2:19110',
    ]);
    const flags = ['--wallethost=f1', '--wallethost', 'f2'];
    assert.deepEqual(load(flags, env, file, { role: 'admin' }).config.walletHosts, [
      'f1:19110',
      'f2:19110',
    ]);
  });

  it('within one layer, the last occurrence of a scalar wins', () => {
    const file = { [CONF]: 'vspfee=1\nvspfee=2\n' };
    assert.equal(load([], BASE_ENV, file, { role: 'admin' }).config.vspFee, 2);
    assert.equal(
      load(['--vspfee=5', '--vspfee=6'], BASE_ENV, {}, { role: 'admin' }).config.vspFee,
      6,
    );
  });

  it('a testnet=1 switch in the file loses to the network in the environment', () => {
    const file = { [CONF]: 'testnet=1\n' };
    const env = { ...BASE_ENV, STAKEPOOL_NETWORK: 'simnet' };
    assert.equal(load([], env, file, { role: 'admin' }).config.network, 'simnet');
    assert.equal(load([], BASE_ENV, file, { role: 'admin' }).config.network, 'testnet3');
    assert.equal(load(['--simnet'], BASE_ENV, file, { role: 'admin' }).config.network, 'simnet');
  });
});

describe('config file location', () => {
  it('reads {homedir}/stakepool.conf when it exists and runs on defaults when not', () => {
    assert.equal(load([], BASE_ENV, {}, { role: 'admin' }).configFile, undefined);
    const r = load(
      ['--homedir=/srv/sp'],
      BASE_ENV,
      { '/srv/sp/stakepool.conf': 'vspfee=9' },
      {
        role: 'admin',
      },
    );
    assert.equal(r.configFile, '/srv/sp/stakepool.conf');
    assert.equal(r.config.vspFee, 9);
    assert.equal(r.config.homeDir, '/srv/sp');
    assert.equal(r.config.dataDir, '/srv/sp/data/testnet3');
  });

  it('takes homedir and configfile relative to the working directory, ~ from HOME', () => {
    const r = load(
      ['--homedir', 'sp', '-C', 'conf/my.conf'],
      BASE_ENV,
      { '/work/conf/my.conf': '' },
      {
        role: 'admin',
      },
    );
    assert.equal(r.config.homeDir, '/work/sp');
    assert.equal(r.configFile, '/work/conf/my.conf');
    const env = { ...BASE_ENV, STAKEPOOL_HOMEDIR: '~/pool' };
    assert.equal(load([], env, {}, { role: 'admin' }).config.homeDir, `${HOME}/pool`);
    assert.equal(load([], BASE_ENV, {}, { role: 'admin' }).config.homeDir, `${HOME}/.stakepool`);
  });

  it('a config file named on the command line or in the environment must exist', () => {
    const p = problemFor(
      problems(['--configfile=/nope.conf'], BASE_ENV, {}, { role: 'admin' }),
      'configfile',
    );
    assert.equal(p.text, 'configfile: file not found: /nope.conf (flag --configfile)');
    const env = { ...BASE_ENV, STAKEPOOL_CONFIGFILE: '/nope.conf' };
    const q = problemFor(problems([], env, {}, { role: 'admin' }), 'configfile');
    assert.equal(q.text, 'configfile: file not found: /nope.conf (env STAKEPOOL_CONFIGFILE)');
  });

  it('reports a file that cannot be read', () => {
    const fs = fakeFs();
    fs.existsSync = (p) => p === CONF;
    fs.readFileSync = () => {
      throw new Error('EACCES: permission denied');
    };
    assert.throws(
      () => loadConfig([], BASE_ENV, fs, { role: 'admin', cwd: '/' }),
      (e: ConfigError) => e.problems[0]!.text.startsWith(`configfile: cannot read ${CONF}: EACCES`),
    );
  });

  it('resolves relative certificate and data paths against the home directory', () => {
    const file = {
      [CONF]: 'dcrdcert=certs/dcrd.cert\ndatadir=$POOLDATA/d\nlogdir=~/logs\n',
      [`${HOME}/.stakepool/certs/dcrd.cert`]: 'x',
    };
    const env = { ...BASE_ENV, POOLDATA: '/var/pool' };
    const c = load([], env, file, { role: 'admin' }).config;
    assert.equal(c.dcrdCert, `${HOME}/.stakepool/certs/dcrd.cert`);
    assert.equal(c.dataDir, '/var/pool/d');
    assert.equal(c.logDir, `${HOME}/logs`);
    assert.equal(c.dbFile, '/var/pool/d/stakepool.db');
  });
});

describe('config defaults per network', () => {
  const cases: [string, ChainNetwork, number, number][] = [
    ['mainnet', 'mainnet', 9109, 9110],
    ['testnet', 'testnet3', 19109, 19110],
    ['testnet3', 'testnet3', 19109, 19110],
    ['simnet', 'simnet', 19556, 19557],
    ['MainNet', 'mainnet', 9109, 9110],
  ];
  for (const [given, net, dcrdPort, walletPort] of cases) {
    it(`network=${given}`, () => {
      const c = load([`--network=${given}`], BASE_ENV, {}, { role: 'admin' }).config;
      assert.equal(c.network, net);
      assert.equal(c.dcrdHost, `127.0.0.1:${dcrdPort}`);
      assert.deepEqual(c.walletHosts, [`127.0.0.1:${walletPort}`]);
      assert.equal(c.dataDir, `${HOME}/.stakepool/data/${net}`);
      assert.equal(c.logDir, `${HOME}/.stakepool/logs/${net}`);
      assert.equal(c.dbFile, `${HOME}/.stakepool/data/${net}/stakepool.db`);
      // A host without a port gets the network's port; an explicit port is kept.
      const d = load(
        [`--network=${given}`, '--dcrdhost=node', '--wallethost=w1,w2:1'],
        BASE_ENV,
        {},
        {
          role: 'admin',
        },
      ).config;
      assert.equal(d.dcrdHost, `node:${dcrdPort}`);
      assert.deepEqual(d.walletHosts, [`w1:${walletPort}`, 'w2:1']);
    });
  }

  it('has the vspd defaults', () => {
    const c = load([], BASE_ENV, {}, { role: 'admin' }).config;
    assert.equal(c.network, 'testnet3');
    assert.equal(c.listen, '127.0.0.1:8800');
    assert.deepEqual(c.listenAddress, { kind: 'tcp', host: '127.0.0.1', port: 8800 });
    assert.equal(c.baseUrl, 'http://127.0.0.1:8800');
    assert.equal(c.vspFee, 3);
    assert.equal(c.backupIntervalMs, 180_000);
    assert.equal(c.designation, 'Voting Service Provider');
    assert.equal(c.maxLogSize, 10);
    assert.equal(c.logsToKeep, 20);
    assert.equal(c.vspClosed, false);
    assert.equal(c.poolFees, 7.5);
    assert.equal(c.maxVotedTickets, 1000);
    assert.equal(c.database, 'sqlite');
    assert.deepEqual(c.db, { engine: 'sqlite', sqlitePath: c.dbFile, poolSize: 10 });
    assert.equal(c.vsp, true);
    assert.equal(c.legacyPool, false);
    assert.equal(c.role, 'admin');
  });
});

/** An invalid value per option, or null for options that take any text. */
const BAD: Record<OptionKey, string | null> = {
  configFile: null, // any path; a missing one is tested above
  homeDir: '',
  network: 'regnet',
  dataDir: '',
  vsp: 'maybe',
  legacyPool: 'yes please',
  logDir: ' ',
  logLevel: 'loud',
  maxLogSize: '0',
  logsToKeep: '-1',
  listen: 'nowhere',
  baseUrl: 'ftp://pool.example.org',
  realIpHeader: 'X Real IP',
  designation: null,
  description: null,
  supportEmail: 'nobody',
  adminPass: null,
  webServerDebug: '2',
  vspFee: '0.001',
  vspClosed: 'closed',
  vspClosedMsg: null,
  poolFees: '100.5',
  closePool: 'x',
  closePoolMsg: null,
  apiSecret: null,
  cookieSecret: null,
  cookieSecure: 'x',
  coldWalletExtPub: 'tpubNotAKey',
  votingWalletExtPub: xpub('mainnet'),
  votingWalletExtPrv: xpub('testnet3'),
  votingKeyFile: null,
  noVoter: 'maybe',
  adminIps: '10.0.0.1,10.0.0',
  adminUserIds: '1,0',
  maxVotedTickets: '0',
  poolLink: null,
  smtpHost: 'mail:smtp',
  smtpFrom: 'pool',
  smtpUsername: null,
  smtpPassword: null,
  useSmtps: 'x',
  smtpCert: null, // a path; its existence is checked for serve/voter below
  smtpSkipVerify: 'x',
  dcrdHost: 'node:port',
  dcrdUser: null,
  dcrdPass: null,
  dcrdCert: null, // likewise
  walletHosts: 'a,,b',
  walletUsers: 'a,',
  walletPasswords: 'pw1,,pw3',
  walletCerts: ',x',
  database: 'oracle',
  databaseUrl: 'http://db/x',
  dbHost: 'db host',
  dbPort: '70000',
  dbName: null,
  dbUser: null,
  dbPassword: null,
  dbFile: '',
  dbPoolSize: '0',
  backupIntervalMs: '10s',
};

function sourceOf(kind: 'file' | 'env' | 'flag', key: OptionKey): ConfigSource {
  const name = optionDef(key).name;
  if (kind === 'file') return { kind: 'file', path: CONF, line: 2, name };
  if (kind === 'env') return { kind: 'env', name: envName(key) };
  return { kind: 'flag', name: `--${name}` };
}

describe('every option: a bad value is rejected naming the option and its source', () => {
  it('the table covers exactly the schema', () => {
    assert.deepEqual(Object.keys(BAD).sort(), [...OPTION_KEYS].sort());
  });
  for (const key of OPTION_KEYS) {
    const bad = BAD[key];
    if (bad === null) continue;
    const def = optionDef(key);
    for (const kind of ['file', 'env', 'flag'] as const) {
      if (kind === 'file' && def.cliOnly) continue;
      // An empty environment variable counts as unset, so empty values go by file or flag.
      if (kind === 'env' && bad === '') continue;
      it(`${def.name} = ${JSON.stringify(bad)} from ${kind}`, () => {
        const files: Record<string, string> =
          kind === 'file' ? { [CONF]: `; comment\n${def.name}=${bad}\n` } : {};
        const env = kind === 'env' ? { ...BASE_ENV, [envName(key)]: bad } : BASE_ENV;
        const argv = kind === 'flag' ? [`--${def.name}=${bad}`] : [];
        const p = problemFor(problems(argv, env, files, { role: 'admin' }), def.name);
        assert.deepEqual(p.source, sourceOf(kind, key));
        assert.ok(p.text.startsWith(`${def.name}: `), p.text);
        if (kind === 'file') assert.ok(p.text.endsWith('(config file line 2)'), p.text);
        if (def.secret) assert.ok(!p.text.includes('pw3'), `secret echoed: ${p.text}`);
      });
    }
  }
});

describe('config validation', () => {
  it('vspfee: the vspd range, reported with the file line', () => {
    const lines = Array.from({ length: 11 }, (_, i) => `; line ${i + 1}`);
    const file = { [CONF]: [...lines, 'vspfee=100.01'].join('\n') };
    const p = problemFor(problems([], BASE_ENV, file, { role: 'admin' }), 'vspfee');
    assert.equal(p.text, 'vspfee: must be between 0.01 and 100 (config file line 12)');
    for (const ok of ['0.01', '100', '0.5', '2']) {
      assert.equal(
        load([`--vspfee=${ok}`], BASE_ENV, {}, { role: 'admin' }).config.vspFee,
        Number(ok),
      );
    }
    const q = problemFor(problems(['--vspfee=abc'], BASE_ENV, {}, { role: 'admin' }), 'vspfee');
    assert.equal(q.text, 'vspfee: expected a number, got "abc" (flag --vspfee)');
  });

  it('backupinterval: at least 30 seconds, Go duration syntax', () => {
    const p = problemFor(
      problems(['--backupinterval=29s'], BASE_ENV, {}, { role: 'admin' }),
      'backupinterval',
    );
    assert.equal(p.text, 'backupinterval: must be at least 30s (flag --backupinterval)');
    const c = load(['--backupinterval=1h30m'], BASE_ENV, {}, { role: 'admin' }).config;
    assert.equal(c.backupIntervalMs, 5_400_000);
  });

  it('network: names the accepted values', () => {
    const p = problemFor(
      problems(['--network=regnet'], BASE_ENV, {}, { role: 'admin' }),
      'network',
    );
    assert.equal(
      p.text,
      'network: must be one of mainnet, testnet, testnet3, simnet, got "regnet" (flag --network)',
    );
  });

  it('lists every problem at once', () => {
    try {
      load(
        ['--vspfee=0', '--listen=x', '--bogus=1'],
        { ...BASE_ENV, STAKEPOOL_DBPORT: 'x' },
        {},
        {
          role: 'admin',
        },
      );
      assert.fail('expected a ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(
        e.problems.map((p) => p.option),
        ['bogus', 'listen', 'vspfee', 'dbport'],
      );
      assert.match(e.message, /^invalid configuration \(4 problems\):\n {2}bogus: unknown option/);
    }
  });

  it('names the config file in the error heading', () => {
    assert.throws(
      () => load([], BASE_ENV, { [CONF]: 'vspfee=0' }, { role: 'admin' }),
      (e: ConfigError) =>
        e.message ===
        `invalid configuration (config file ${CONF}):\n  vspfee: must be between 0.01 and 100 (config file line 1)`,
    );
  });

  it('a bad value falls back to its default so derived options are not reported again', () => {
    const list = problems(['--listen=x'], BASE_ENV, {}, { role: 'admin' });
    assert.deepEqual(
      list.map((p) => p.option),
      ['listen'],
    );
  });
});

describe('config requirements per role', () => {
  it('serve needs adminpass, supportemail, dcrd and wallet credentials', () => {
    const list = problems([], BASE_ENV, {}, { role: 'serve' });
    assert.deepEqual(list.map((p) => p.option).sort(), [
      'adminpass',
      'dcrdcert',
      'dcrdpass',
      'dcrduser',
      'supportemail',
      'walletcert',
      'walletpass',
      'walletuser',
    ]);
    assert.equal(
      problemFor(list, 'adminpass').text,
      'adminpass: required for stakepool serve; set adminpass= in the config file, STAKEPOOL_ADMINPASS or --adminpass',
    );
    const c = load(SERVE_FLAGS).config;
    assert.equal(c.role, 'serve');
    assert.deepEqual(c.dcrd, {
      host: '127.0.0.1:19109',
      user: 'rpcuser',
      password: 'rpc-secret',
      cert: '/certs/dcrd.cert',
    });
    assert.deepEqual(c.wallets, [
      { host: '127.0.0.1:19110', user: 'wuser', password: 'wallet-secret', cert: '/certs/w1.cert' },
    ]);
  });

  it('voter needs the legacy face, dcrd and the voting keys, not adminpass or wallets', () => {
    const list = problems([], BASE_ENV, {}, { role: 'voter' });
    assert.deepEqual(list.map((p) => p.option).sort(), [
      'dcrdcert',
      'dcrdpass',
      'dcrduser',
      'legacypool',
    ]);
    const legacy = problems(['--legacypool'], BASE_ENV, {}, { role: 'voter' });
    assert.deepEqual(legacy.map((p) => p.option).sort(), [
      'dcrdcert',
      'dcrdpass',
      'dcrduser',
      'votingkeyfile',
      'votingwalletextpub',
    ]);
  });

  it('admin commands need nothing', () => {
    assert.equal(load([], BASE_ENV, {}, { role: 'admin' }).warnings.length, 0);
  });

  it('the legacy face needs its secrets and keys', () => {
    const list = problems([...SERVE_FLAGS, '--legacypool'], BASE_ENV, {}, { role: 'serve' });
    assert.deepEqual(list.map((p) => p.option).sort(), [
      'apisecret',
      'coldwalletextpub',
      'votingkeyfile',
      'votingwalletextpub',
    ]);
    // A serve that leaves voting to a separate voter needs no voting key.
    const noVoter = problems(
      [...SERVE_FLAGS, '--legacypool', '--novoter'],
      BASE_ENV,
      {},
      {
        role: 'serve',
      },
    );
    assert.ok(!noVoter.some((p) => p.option === 'votingkeyfile'));
    const voter = problems([...SERVE_FLAGS, '--legacypool'], BASE_ENV, {}, { role: 'voter' });
    assert.deepEqual(voter.map((p) => p.option).sort(), ['votingkeyfile', 'votingwalletextpub']);
    const legacyOnly = [
      '--legacypool',
      '--vsp=0',
      '--adminpass=a',
      '--supportemail=a@b',
      '--dcrduser=u',
      '--dcrdpass=p',
      '--dcrdcert=/certs/dcrd.cert',
      '--apisecret=s1',
      '--cookiesecret=s2',
      `--coldwalletextpub=${xpub('testnet3', 1)}`,
      `--votingwalletextpub=${xpub('testnet3', 2)}`,
      `--votingwalletextprv=${xprv('testnet3', 2)}`,
    ];
    const c = load(legacyOnly).config;
    assert.equal(c.coldWalletExtPub, xpub('testnet3', 1));
    assert.deepEqual(c.walletUsers, []);
  });

  it('extended keys must be public keys of the configured network, and a private one is not echoed', () => {
    const args = ['--legacypool', '--network=simnet'];
    const wrongNet = problemFor(
      problems(
        [...args, `--coldwalletextpub=${xpub('testnet3')}`],
        BASE_ENV,
        {},
        { role: 'admin' },
      ),
      'coldwalletextpub',
    );
    assert.match(
      wrongNet.text,
      /^coldwalletextpub: not a valid simnet extended public key \(wrong network/,
    );
    const priv = xprv('simnet');
    const p = problemFor(
      problems([...args, `--coldwalletextpub=${priv}`], BASE_ENV, {}, { role: 'admin' }),
      'coldwalletextpub',
    );
    assert.equal(
      p.text,
      'coldwalletextpub: must be an extended public key, not a private key (flag --coldwalletextpub)',
    );
    const ok = load(
      [...args, `--coldwalletextpub=${xpub('simnet')}`],
      BASE_ENV,
      {},
      { role: 'admin' },
    );
    assert.equal(ok.config.coldWalletExtPub, xpub('simnet'));
  });

  it('at least one face must run', () => {
    const p = problemFor(problems(['--vsp=0'], BASE_ENV, {}, { role: 'admin' }), 'vsp');
    assert.equal(p.text, 'vsp: vsp and legacypool are both off; enable at least one (flag --vsp)');
  });

  it('warns about options of a face that is off', () => {
    const r = load([...SERVE_FLAGS, '--poolfees=5', '--apisecret=s'], BASE_ENV);
    assert.deepEqual(
      r.warnings.map((w) => w.text),
      [
        'poolfees: ignored: the legacy pool face is off (legacypool=0) (flag --poolfees)',
        'apisecret: ignored: the legacy pool face is off (legacypool=0) (flag --apisecret)',
      ],
    );
  });
});

describe('voting wallets (vspd rules)', () => {
  const creds = [
    '--adminpass=a',
    '--supportemail=a@b',
    '--dcrduser=u',
    '--dcrdpass=p',
    '--dcrdcert=/certs/dcrd.cert',
  ];

  it('wallethost, walletuser, walletpass and walletcert pair up by position', () => {
    const file = {
      [CONF]: [
        'wallethost=10.0.0.1,10.0.0.2:1234',
        'walletuser=u1,u2',
        'walletpass=p1',
        'walletpass=p2',
        'walletcert=/certs/w1.cert,/certs/w2.cert',
      ].join('\n'),
    };
    const c = load(creds, BASE_ENV, file).config;
    assert.deepEqual(c.wallets, [
      { host: '10.0.0.1:19110', user: 'u1', password: 'p1', cert: '/certs/w1.cert' },
      { host: '10.0.0.2:1234', user: 'u2', password: 'p2', cert: '/certs/w2.cert' },
    ]);
  });

  it('the lists must have one entry per host', () => {
    const file = {
      [CONF]: [
        'wallethost=a,b,c',
        'walletuser=u1,u2',
        'walletpass=p1,p2,p3',
        'walletcert=/certs/w1.cert,/certs/w2.cert,/certs/w3.cert,/certs/w3.cert',
      ].join('\n'),
    };
    const list = problems(creds, BASE_ENV, file);
    assert.deepEqual(
      list.map((p) => p.text),
      [
        'walletuser: 3 wallethost entries need 3 values, got 2 (config file line 2)',
        'walletcert: 3 wallethost entries need 3 values, got 4 (config file line 4)',
      ],
    );
  });

  it('a bad wallethost is reported alone, not as a count mismatch too', () => {
    const argv = [...creds, '--wallethost=a,,b', '--walletuser=u1,u2', '--walletpass=p1,p2'];
    const list = problems([...argv, '--walletcert=/certs/w1.cert,/certs/w2.cert']);
    assert.deepEqual(
      list.map((p) => p.option),
      ['wallethost'],
    );
  });

  it('mainnet needs three voting wallets', () => {
    const one = [
      '--network=mainnet',
      '--walletuser=u',
      '--walletpass=p',
      '--walletcert=/certs/w1.cert',
    ];
    const p = problemFor(problems([...creds, ...one]), 'wallethost');
    assert.equal(p.text, 'wallethost: mainnet needs at least 3 voting wallets, got 1');
    const three = [
      '--network=mainnet',
      '--wallethost=a,b,c',
      '--walletuser=u,u,u',
      '--walletpass=p,p,p',
      '--walletcert=/certs/w1.cert,/certs/w2.cert,/certs/w3.cert',
    ];
    assert.equal(load([...creds, ...three]).config.wallets.length, 3);
  });

  it('certificate files must exist when serving or voting', () => {
    const argv = [
      ...SERVE_FLAGS.filter((f) => !f.startsWith('--walletcert')),
      '--walletcert=/certs/missing.cert',
    ];
    const p = problemFor(problems(argv), 'walletcert');
    assert.equal(p.text, 'walletcert: file not found: /certs/missing.cert (flag --walletcert)');
    const d = problemFor(
      problems([...SERVE_FLAGS, '--dcrdcert=/nope'], BASE_ENV, {}, { role: 'voter' }),
      'dcrdcert',
    );
    assert.equal(d.text, 'dcrdcert: file not found: /nope (flag --dcrdcert)');
    assert.equal(
      load(['--dcrdcert=/nope'], BASE_ENV, {}, { role: 'admin' }).config.dcrdCert,
      '/nope',
    );
  });
});

describe('web and VSP options', () => {
  it('vspclosedmsg is cleared unless the VSP is closed', () => {
    assert.equal(
      load(['--vspclosedmsg=Bye'], BASE_ENV, {}, { role: 'admin' }).config.vspClosedMsg,
      '',
    );
    const c = load(['--vspclosed', '--vspclosedmsg=Bye'], BASE_ENV, {}, { role: 'admin' }).config;
    assert.equal(c.vspClosed, true);
    assert.equal(c.vspClosedMsg, 'Bye');
  });

  it('baseurl follows listen unless set, without a trailing slash', () => {
    const cases: [string, string][] = [
      [':8000', 'http://127.0.0.1:8000'],
      ['10.1.2.3:80', 'http://10.1.2.3:80'],
      ['[::1]:8800', 'http://[::1]:8800'],
      ['/run/sp.sock', 'http://127.0.0.1'],
    ];
    for (const [listen, url] of cases) {
      assert.equal(
        load([`--listen=${listen}`], BASE_ENV, {}, { role: 'admin' }).config.baseUrl,
        url,
      );
    }
    const c = load(['--baseurl=https://pool.example.org/'], BASE_ENV, {}, { role: 'admin' }).config;
    assert.equal(c.baseUrl, 'https://pool.example.org');
    const u = load(['--listen=/run/sp.sock'], BASE_ENV, {}, { role: 'admin' }).config;
    assert.deepEqual(u.listenAddress, { kind: 'unix', path: '/run/sp.sock' });
  });

  it('loglevel accepts the vspd levels and a few other spellings', () => {
    const level = (v: string): LogLevel =>
      load([`--loglevel=${v}`], BASE_ENV, {}, { role: 'admin' }).config.logLevel;
    assert.equal(level('TRACE'), 'trace');
    assert.equal(level('warning'), 'warn');
    assert.equal(level('fatal'), 'critical');
    assert.equal(load(['-d', 'debug'], BASE_ENV, {}, { role: 'admin' }).config.logLevel, 'debug');
  });

  it('smtphost gets the submission or SMTPS port', () => {
    const opts = { role: 'admin' as Role };
    assert.equal(
      load(['--legacypool', '--smtphost=mail'], BASE_ENV, {}, opts).config.smtpHost,
      'mail:587',
    );
    const s = load(['--legacypool', '--smtphost=mail', '--usesmtps'], BASE_ENV, {}, opts).config;
    assert.equal(s.smtpHost, 'mail:465');
    assert.equal(
      load(['--legacypool', '--smtphost=mail:25'], BASE_ENV, {}, opts).config.smtpHost,
      'mail:25',
    );
  });

  it('adminips and adminuserids are lists of IPs and ids', () => {
    const c = load(
      ['--legacypool', '--adminips=127.0.0.1,::1', '--adminuserids=1, 22'],
      BASE_ENV,
      {},
      {
        role: 'admin',
      },
    ).config;
    assert.deepEqual(c.adminIps, ['127.0.0.1', '::1']);
    assert.deepEqual(c.adminUserIds, [1, 22]);
  });
});

describe('database settings', () => {
  const admin = { role: 'admin' as Role };

  it('builds a MySQL URL from the dcrstakepool keys', () => {
    const c = load(
      ['--dbhost=db.local', '--dbuser=pool', '--dbpassword=p@ss:w/rd'],
      BASE_ENV,
      {},
      admin,
    ).config;
    assert.equal(c.database, 'mysql');
    assert.equal(c.dbPort, 3306);
    assert.deepEqual(c.db, {
      engine: 'mysql',
      url: 'mysql://pool:p%40ss%3Aw%2Frd@db.local:3306/stakepool',
      poolSize: 10,
    });
    assert.equal(new URL(c.db.url).password, 'p%40ss%3Aw%2Frd');
    assert.equal(decodeURIComponent(new URL(c.db.url).password), 'p@ss:w/rd');
  });

  it('builds a PostgreSQL URL with the PostgreSQL port', () => {
    const c = load(['--database=postgresql', '--dbname=sp'], BASE_ENV, {}, admin).config;
    assert.equal(c.database, 'postgres');
    assert.equal(c.db.url, 'postgres://stakepool@localhost:5432/sp');
  });

  it('takes the engine from databaseurl and ignores the db* keys then', () => {
    const r = load(['--databaseurl=postgres://u:secret@h/db', '--dbhost=x'], BASE_ENV, {}, admin);
    assert.equal(r.config.database, 'postgres');
    assert.deepEqual(r.config.db, {
      engine: 'postgres',
      url: 'postgres://u:secret@h/db',
      poolSize: 10,
    });
    assert.deepEqual(
      r.warnings.map((w) => w.text),
      ['dbhost: ignored: databaseurl is set (flag --dbhost)'],
    );
  });

  it('rejects a URL for another engine', () => {
    const p = problemFor(
      problems(['--database=mysql', '--databaseurl=postgres://h/db'], BASE_ENV, {}, admin),
      'databaseurl',
    );
    assert.equal(p.text, 'databaseurl: is a postgres URL but database=mysql (flag --databaseurl)');
    const q = problemFor(
      problems(['--database=sqlite', '--databaseurl=mysql://h/db'], BASE_ENV, {}, admin),
      'databaseurl',
    );
    assert.match(q.text, /is a mysql URL but database=sqlite/);
  });

  it('warns about server keys with sqlite and about a separate voter on sqlite', () => {
    const r = load(['--database=sqlite', '--dbhost=x'], BASE_ENV, {}, admin);
    assert.deepEqual(
      r.warnings.map((w) => w.option),
      ['dbhost'],
    );
    const v = load(
      [
        ...SERVE_FLAGS,
        '--legacypool',
        `--votingwalletextpub=${xpub('testnet3')}`,
        `--votingwalletextprv=${xprv('testnet3')}`,
      ],
      BASE_ENV,
      {},
      { role: 'voter' },
    );
    assert.deepEqual(
      v.warnings.map((w) => w.option),
      ['database'],
    );
  });

  it('keeps :memory: as is', () => {
    assert.equal(load(['--dbfile=:memory:'], BASE_ENV, {}, admin).config.db.sqlitePath, ':memory:');
  });
});

describe('frozen and redacted config', () => {
  const secrets = [
    'admin-secret',
    'rpc-secret',
    'wallet-secret',
    'api-s3cret',
    'cookie-s3cret',
    'smtp-s3cret',
    'db-s3cret',
  ];
  const argv = [
    ...SERVE_FLAGS,
    '--legacypool',
    '--apisecret=api-s3cret',
    '--cookiesecret=cookie-s3cret',
    '--smtppassword=smtp-s3cret',
    '--dbpassword=db-s3cret',
    `--coldwalletextpub=${xpub('testnet3', 1)}`,
    `--votingwalletextpub=${xpub('testnet3', 2)}`,
    `--votingwalletextprv=${xprv('testnet3', 2)}`,
  ];

  it('is deeply frozen', () => {
    const r = load(argv);
    for (const o of [
      r,
      r.config,
      r.config.walletHosts,
      r.config.wallets,
      r.config.wallets[0],
      r.config.db,
      r.config.dcrd,
      r.sources,
      r.sources.vspFee,
      r.warnings,
    ]) {
      assert.ok(Object.isFrozen(o));
    }
    assert.throws(() => {
      (r.config as { vspFee: number }).vspFee = 50;
    }, TypeError);
    assert.throws(() => {
      (r.config.walletHosts as string[]).push('x');
    }, TypeError);
  });

  it('redactConfig replaces every secret, including the derived ones', () => {
    const c = load(argv).config;
    const json = JSON.stringify(redactConfig(c));
    for (const s of secrets) assert.ok(json.includes(s) === false, `${s} leaked`);
    for (const s of secrets)
      assert.ok(JSON.stringify(c).includes(s), `${s} missing from the config`);
    const red = redactConfig(c);
    assert.equal(red.adminPass, '***');
    assert.deepEqual(red.walletPasswords, ['***']);
    assert.equal(red.wallets[0]!.password, '***');
    assert.equal(red.dcrd.password, '***');
    assert.equal(red.db.url, 'mysql://stakepool:***@localhost:3306/stakepool');
    assert.equal(red.dcrdUser, 'rpcuser');
    assert.equal(red.vspFee, 3);
    assert.ok(Object.isFrozen(red) && Object.isFrozen(red.wallets[0]));
    // Every option marked secret is covered, and an unset secret stays visibly unset.
    const plain = load([], BASE_ENV, {}, { role: 'admin' }).config;
    const r2 = redactConfig(plain);
    for (const key of OPTION_KEYS) {
      if (optionDef(key).secret === true) assert.deepEqual(r2[key], plain[key], key);
    }
  });

  it('masks only the password of a database URL', () => {
    const c = load(
      ['--databaseurl=postgres://u:pw@h:5432/db?sslpassword=x&sslmode=require'],
      BASE_ENV,
      {},
      {
        role: 'admin',
      },
    ).config;
    const red = redactConfig(c);
    assert.equal(red.databaseUrl, 'postgres://u:***@h:5432/db?sslpassword=***&sslmode=require');
    assert.equal(red.db.url, red.databaseUrl);
  });

  it('errors about secret options do not echo their values', () => {
    const list = problems(
      ['--dbpassword=x', '--walletpass=s3cret,,x'],
      BASE_ENV,
      {},
      { role: 'admin' },
    );
    assert.ok(list.length > 0);
    for (const p of list) assert.ok(!p.text.includes('s3cret'), p.text);
  });
});

// Compile-time checks that the config type derived from the schema has the intended types.
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeChecks: [
  Equal<Config['network'], ChainNetwork>,
  Equal<Config['vspFee'], number>,
  Equal<Config['vspClosed'], boolean>,
  Equal<Config['walletHosts'], readonly string[]>,
  Equal<Config['adminUserIds'], readonly number[]>,
  Equal<Config['database'], DatabaseEngine>,
  Equal<Config['logLevel'], LogLevel>,
  Equal<Config['backupIntervalMs'], number>,
  Equal<DeriveContext['network'], OptionValues['network']>,
  Equal<DeriveContext['database'], OptionValues['database']>,
  Equal<DeriveContext['homeDir'], OptionValues['homeDir']>,
  Equal<DeriveContext['dataDir'], OptionValues['dataDir']>,
  Equal<DeriveContext['listen'], OptionValues['listen']>,
  Equal<DeriveContext['databaseUrl'], OptionValues['databaseUrl']>,
  Equal<DeriveContext['dbPassword'], OptionValues['dbPassword']>,
  Equal<DeriveContext['useSmtps'], OptionValues['useSmtps']>,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];

describe('config type', () => {
  it('is derived from the schema', () => {
    assert.ok(typeChecks.every((t) => t));
    // Keys of the frozen config: every option plus the derived values.
    const c = load([], BASE_ENV, {}, { role: 'admin' }).config;
    const derived = ['role', 'listenAddress', 'dcrd', 'wallets', 'db'];
    assert.deepEqual(Object.keys(c).sort(), [...OPTION_KEYS, ...derived].sort());
  });
});
