// A second process on the same database, for the cross-process tests. Argument: JSON
// { config, action: 'migrate' | 'reserve', count? }. It opens the database, prints "ready", waits
// for a line on stdin (so every process starts its work at the same moment), then prints the
// result as one JSON line.
import { createInterface } from 'node:readline';
import { createDatabase } from '../../src/db/database.ts';
import type { DatabaseConfig } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { reserveFeeAddressIndex } from '../../src/db/vsp-fee-xpubs.ts';

interface Job {
  config: DatabaseConfig;
  action: 'migrate' | 'reserve';
  count?: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const database = createDatabase(job.config);
try {
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => lines.once('line', () => resolve()));
  process.stdout.write('ready\n');
  await go;
  lines.close();
  let result: unknown;
  if (job.action === 'migrate') {
    result = await migrateToLatest(database.db);
  } else {
    const all = [];
    for (let i = 0; i < (job.count ?? 1); i++) all.push(reserveFeeAddressIndex(database.db));
    result = (await Promise.all(all)).map((r) => r.index);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  await database.close();
}
