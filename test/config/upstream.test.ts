// Config files written for vspd, dcrstakepool and stakepoold load as they are: their option names
// map onto stakepool's, and the options stakepool no longer needs only warn. The samples use the
// options listed in shared/reference/vspd.md §8 and dcrstakepool.md §7.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SCHEMA, aliasesOf, OBSOLETE_OPTIONS, OPTION_KEYS } from '../../src/config/index.ts';
import { BASE_ENV, load, xprv, xpub } from './helpers.ts';

// As `vspadmin writeconfig` writes it (go-flags puts spaces around "="), filled in.
const VSPD_CONF = `[Application Options]

; The ip:port to listen for API requests.
listen = :8800
loglevel = debug
maxlogsize = 10
logstokeep = 20
network = testnet
vspfee = 2.5
dcrdhost = 127.0.0.1
dcrduser = dcrdrpc
dcrdpass = dcrd-pw
dcrdcert = /certs/dcrd.cert
wallethost = 10.0.0.1,10.0.0.2:19110,10.0.0.3
walletuser = w1,w2,w3
walletpass = wp1,wp2,wp3
walletcert = /certs/w1.cert,/certs/w2.cert,/certs/w3.cert
webserverdebug = false
supportemail = support@vsp.example
backupinterval = 3m0s
vspclosed = true
vspclosedmsg = Maintenance until Monday
adminpass = admin-pw
designation = Vega
`;

// dcrstakepool ≥ 1.2 (sample-dcrstakepool.conf options), plus gone and obsolete options.
const DCRSTAKEPOOL_CONF = `[Application Options]
;debuglevel=info
debuglevel=debug
testnet=1
listen=:8000
apisecret=api-pw
cookiesecret=cookie-pw
cookiesecure=1
baseurl=https://pool.example/
dbhost=db.internal
dbport=3307
dbname=stakepool
dbuser=stakepool
dbpassword=db-pw
coldwalletextpub=${xpub('testnet3', 1)}
votingwalletextpub=${xpub('testnet3', 2)}
poolfees=7.5
poolemail=admin@pool.example
poollink=https://forum.decred.org/threads/pool.1/
closepool=1
closepoolmsg=No new accounts.
adminips=127.0.0.1,10.0.0.5
adminuserids=1,2
realipheader=X-Real-IP
stakepooldhosts=10.0.0.1,10.0.0.2
stakepooldcerts=/certs/sp1.cert,/certs/sp2.cert
smtphost=smtp.pool.example:587
smtpfrom=noreply@pool.example
smtpusername=mailer
smtppassword=smtp-pw
usesmtps=0
smtpcert=
smtpskipverify=0
publicpath=public
templatepath=views
maxvotedtickets=500
description=A friendly pool
designation=Alpha
recaptchasecret=r1
recaptchasitekey=r2
`;

const STAKEPOOLD_CONF = `[Application Options]
datadir=/var/lib/stakepoold
logdir=/var/log/stakepoold
debuglevel=info
simnet=1
coldwalletextpub=${xpub('simnet', 1)}
poolfees=5
dbhost=127.0.0.1
dbpassword=db-pw
dcrdhost=127.0.0.1:19556
dcrduser=dcrdrpc
dcrdpassword=dcrd-pw
dcrdcert=/certs/dcrd.cert
wallethost=127.0.0.1
walletuser=wrpc
walletpassword=wallet-pw
walletcert=/certs/w1.cert
rpclisten=127.0.0.1:19560
rpccert=/etc/stakepoold/rpc.cert
rpckey=/etc/stakepoold/rpc.key
norpclisten=0
`;

describe('upstream config files', () => {
  it('a vspd.conf runs stakepool serve unchanged', () => {
    const r = load(['--configfile=/etc/vspd/vspd.conf'], BASE_ENV, {
      '/etc/vspd/vspd.conf': VSPD_CONF,
    });
    assert.deepEqual(r.warnings, []);
    assert.equal(r.configFile, '/etc/vspd/vspd.conf');
    const c = r.config;
    assert.equal(c.listen, ':8800');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.network, 'testnet3');
    assert.equal(c.vspFee, 2.5);
    assert.equal(c.dcrdHost, '127.0.0.1:19109');
    assert.deepEqual(c.dcrd, {
      host: '127.0.0.1:19109',
      user: 'dcrdrpc',
      password: 'dcrd-pw',
      cert: '/certs/dcrd.cert',
    });
    assert.deepEqual(
      c.wallets.map((w) => [w.host, w.user, w.password, w.cert]),
      [
        ['10.0.0.1:19110', 'w1', 'wp1', '/certs/w1.cert'],
        ['10.0.0.2:19110', 'w2', 'wp2', '/certs/w2.cert'],
        ['10.0.0.3:19110', 'w3', 'wp3', '/certs/w3.cert'],
      ],
    );
    assert.equal(c.webServerDebug, false);
    assert.equal(c.supportEmail, 'support@vsp.example');
    assert.equal(c.backupIntervalMs, 180_000);
    assert.equal(c.vspClosed, true);
    assert.equal(c.vspClosedMsg, 'Maintenance until Monday');
    assert.equal(c.adminPass, 'admin-pw');
    assert.equal(c.designation, 'Vega');
    assert.equal(c.database, 'sqlite');
  });

  it('a dcrstakepool.conf configures the legacy face on MySQL', () => {
    const r = load(
      ['--configfile=/etc/dcrstakepool.conf', '--legacypool'],
      BASE_ENV,
      {
        '/etc/dcrstakepool.conf': DCRSTAKEPOOL_CONF,
      },
      { role: 'admin' },
    );
    assert.deepEqual(
      r.warnings.map((w) => w.option),
      [
        'stakepooldhosts',
        'stakepooldcerts',
        'publicpath',
        'templatepath',
        'recaptchasecret',
        'recaptchasitekey',
      ],
    );
    assert.match(
      r.warnings[0]!.text,
      /^stakepooldhosts: obsolete dcrstakepool\.conf option, ignored: .* \(config file line 25\)$/,
    );
    const c = r.config;
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.network, 'testnet3');
    assert.equal(c.listen, ':8000');
    assert.equal(c.apiSecret, 'api-pw');
    assert.equal(c.cookieSecret, 'cookie-pw');
    assert.equal(c.cookieSecure, true);
    assert.equal(c.baseUrl, 'https://pool.example');
    assert.equal(c.database, 'mysql');
    assert.deepEqual(c.db, {
      engine: 'mysql',
      url: 'mysql://stakepool:db-pw@db.internal:3307/stakepool',
      poolSize: 10,
    });
    assert.equal(c.coldWalletExtPub, xpub('testnet3', 1));
    assert.equal(c.votingWalletExtPub, xpub('testnet3', 2));
    assert.equal(c.poolFees, 7.5);
    assert.equal(c.supportEmail, 'admin@pool.example');
    assert.equal(c.poolLink, 'https://forum.decred.org/threads/pool.1/');
    assert.equal(c.closePool, true);
    assert.equal(c.closePoolMsg, 'No new accounts.');
    assert.deepEqual(c.adminIps, ['127.0.0.1', '10.0.0.5']);
    assert.deepEqual(c.adminUserIds, [1, 2]);
    assert.equal(c.realIpHeader, 'X-Real-IP');
    assert.equal(c.smtpHost, 'smtp.pool.example:587');
    assert.equal(c.smtpFrom, 'noreply@pool.example');
    assert.equal(c.smtpUsername, 'mailer');
    assert.equal(c.smtpPassword, 'smtp-pw');
    assert.equal(c.useSmtps, false);
    assert.equal(c.smtpCert, '');
    assert.equal(c.smtpSkipVerify, false);
    assert.equal(c.maxVotedTickets, 500);
    assert.equal(c.description, 'A friendly pool');
    assert.equal(c.designation, 'Alpha');
  });

  it('a dcrstakepool.conf without testnet=1 means mainnet, with a warning', () => {
    const conf = DCRSTAKEPOOL_CONF.replace('testnet=1\n', '').replace(
      /coldwalletextpub=.*\nvotingwalletextpub=.*\n/,
      `coldwalletextpub=${xpub('mainnet', 1)}\nvotingwalletextpub=${xpub('mainnet', 2)}\n`,
    );
    const r = load(
      ['-C', '/p/dcrstakepool.conf', '--legacypool'],
      BASE_ENV,
      { '/p/dcrstakepool.conf': conf },
      {
        role: 'admin',
      },
    );
    assert.equal(r.config.network, 'mainnet');
    const w = r.warnings.find((x) => x.option === 'network');
    assert.equal(
      w?.text,
      'network: not set; mainnet, as dcrstakepool.conf means without testnet=1/simnet=1',
    );
    // The same keys under another file name keep stakepool's default network.
    const s = load(
      ['-C', '/p/stakepool.conf', '--legacypool'],
      BASE_ENV,
      {
        '/p/stakepool.conf': DCRSTAKEPOOL_CONF.replace('testnet=1\n', ''),
      },
      { role: 'admin' },
    );
    assert.equal(s.config.network, 'testnet3');
  });

  it('a stakepoold.conf runs stakepool voter', () => {
    const r = load(
      ['--configfile', '/etc/stakepoold.conf'],
      // stakepoold signed through its wallet; our voter holds the voting account key itself.
      {
        ...BASE_ENV,
        STAKEPOOL_LEGACYPOOL: '1',
        STAKEPOOL_VOTINGWALLETEXTPUB: xpub('simnet', 2),
        STAKEPOOL_VOTINGWALLETEXTPRV: xprv('simnet', 2),
      },
      {
        '/etc/stakepoold.conf': STAKEPOOLD_CONF,
      },
      { role: 'voter' },
    );
    assert.deepEqual(
      r.warnings.map((w) => w.option),
      ['rpclisten', 'rpccert', 'rpckey', 'norpclisten'],
    );
    const c = r.config;
    assert.equal(c.network, 'simnet');
    assert.equal(c.dataDir, '/var/lib/stakepoold');
    assert.equal(c.logDir, '/var/log/stakepoold');
    assert.equal(c.logLevel, 'info');
    assert.equal(c.coldWalletExtPub, xpub('simnet', 1));
    assert.equal(c.poolFees, 5);
    assert.equal(c.database, 'mysql');
    assert.equal(c.db.url, 'mysql://stakepool:db-pw@127.0.0.1:3306/stakepool');
    assert.deepEqual(c.dcrd, {
      host: '127.0.0.1:19556',
      user: 'dcrdrpc',
      password: 'dcrd-pw',
      cert: '/certs/dcrd.cert',
    });
    assert.deepEqual(c.wallets, [
      { host: '127.0.0.1:19557', user: 'wrpc', password: 'wallet-pw', cert: '/certs/w1.cert' },
    ]);
  });

  it('every upstream option named in the references is known, as an option, alias or obsolete', () => {
    const known = new Set<string>();
    for (const key of OPTION_KEYS) {
      known.add(SCHEMA[key].name);
      for (const a of aliasesOf(key)) known.add(a);
    }
    for (const o of OBSOLETE_OPTIONS) known.add(o.name);
    known.add('testnet').add('simnet');
    const vspd =
      'homedir listen loglevel maxlogsize logstokeep network vspfee dcrdhost dcrduser dcrdpass dcrdcert wallethost walletuser walletpass walletcert webserverdebug supportemail backupinterval vspclosed vspclosedmsg adminpass designation feexpub configfile';
    const pool =
      'configfile logdir debuglevel testnet simnet listen apisecret cookiesecret cookiesecure baseurl dbhost dbport dbname dbuser dbpassword coldwalletextpub votingwalletextpub poolfees poolemail poollink closepool closepoolmsg adminips adminuserids realipheader stakepooldhosts stakepooldcerts smtphost smtpfrom smtpusername smtppassword usesmtps smtpcert smtpskipverify publicpath templatepath maxvotedtickets description designation recaptchasecret recaptchasitekey wallethosts walletusers walletpasswords walletcerts enablestakepoold maxvotedage minservers datadir profile cpuprofile memprofile';
    const poold =
      'appdata configfile datadir logdir debuglevel testnet simnet coldwalletextpub poolfees dbhost dbpassword dbport dbname dbuser dcrdhost dcrduser dcrdpassword dcrdcert wallethost walletuser walletpassword walletcert rpclisten rpccert rpckey norpclisten';
    for (const name of `${vspd} ${pool} ${poold}`.split(' ')) assert.ok(known.has(name), name);
  });
});
