// `stakepool voter`: the legacy pool's voter alone, next to its own dcrd, sharing the pool's
// database with `stakepool serve` (PostgreSQL/MySQL across machines). It holds the voting key and
// votes the pool's winning tickets; several voters (and serve's own) may run at once: the same
// ticket gets the same vote from each, and dcrd keeps one. It keeps a snapshot of the votable
// tickets in memory and in <datadir>/voter-cache.bin, and votes from it while the database is
// down, from startup on if need be. Its heartbeat row (pool.voter.<host:pid>) shows it on /status.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, openDatabase } from '../context.ts';
import { netParams } from '../dcr/params.ts';
import { allVotablePoolTickets, votablePoolTickets } from '../db/pool-tickets.ts';
import { poolVoteVersion, voterHeartbeatStore } from '../legacy-context.ts';
import { closeLogger } from '../log.ts';
import { DcrdClient } from '../rpc/dcrd.ts';
import { VOTER_CACHE_FILE, VotableCache } from '../voting/votable-cache.ts';
import { createPoolVoter } from '../voting/pool-voter.ts';
import { VoterHeartbeatWriter } from '../voting/voter-heartbeat.ts';
import { loadCommandConfig } from './config-load.ts';
import { deferredDatabase, isDatabaseMismatch } from './deferred-database.ts';

export async function voterCommand(argv: readonly string[]): Promise<number> {
  const loaded = loadCommandConfig(argv, 'voter');
  if (loaded === undefined) return 2;
  const { config } = loaded;
  const net = netParams(config.network);
  const log = createLogger(config, { fileName: 'voter.log' });
  const dbLog = log.child({ subsystem: 'db' });
  const database = deferredDatabase(() => openDatabase(config, dbLog), { log: dbLog });
  try {
    await database.db();
  } catch (err) {
    if (isDatabaseMismatch(err)) {
      await database.close();
      throw err;
    }
    dbLog.error(
      { err: (err as Error).message },
      'database unreachable; voting from the voter cache until it is back',
    );
  }
  const cache = new VotableCache({
    source: {
      allVotablePoolTickets: async (page) => allVotablePoolTickets(await database.db(), page),
    },
    network: net.name,
    file: join(config.dataDir, VOTER_CACHE_FILE),
    log: log.child({ subsystem: 'voter-cache' }),
  });
  const dcrd = new DcrdClient({
    url: `wss://${config.dcrd.host}/ws`,
    user: config.dcrd.user,
    pass: config.dcrd.password,
    ca: readFileSync(config.dcrd.cert),
    net,
    name: 'dcrd',
    notifyWinningTickets: true,
    logger: log.child({ subsystem: 'dcrd' }),
  });
  let voter;
  try {
    voter = createPoolVoter({
      config,
      dcrd,
      connection: dcrd.rpc,
      tickets: {
        votablePoolTickets: async (hashes) => votablePoolTickets(await database.db(), hashes),
      },
      fallback: cache,
      net,
      voteVersion: poolVoteVersion(net),
      log: log.child({ subsystem: 'voter' }),
      onBlock: () => void heartbeat.beat(),
    });
  } catch (err) {
    dcrd.close();
    await database.close();
    throw err;
  }
  voter.start();
  // Written through the deferred database: while it is down the write fails (logged) and the
  // next beat tries again, so /status shows this voter as stale rather than gone.
  const heartbeat = new VoterHeartbeatWriter({
    voter,
    store: voterHeartbeatStore(() => database.db()),
    log: log.child({ subsystem: 'voter' }),
  });
  void heartbeat.start();
  // In the background: dcrd's first winners come after a block, and with the database down the
  // file is read within a few seconds (startupWaitMs).
  void cache.start();
  // A dcrd that is down is retried in the background; the voter votes once it is back.
  dcrd.rpc
    .connect({ timeoutMs: 5_000 })
    .catch((err: unknown) =>
      log.warn({ err: (err as Error).message }, 'dcrd not reachable yet; retrying'),
    );
  log.info({ network: net.name, dcrd: config.dcrd.host }, 'stakepool voter running');
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await voter.stop();
  await heartbeat.stop();
  await cache.stop();
  dcrd.close();
  await database.close();
  closeLogger(log);
  return 0;
}
