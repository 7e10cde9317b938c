// The process logger: stdout plus <logdir>/stakepool.log rotated by size with a bounded number
// of old files, and a logged config that holds no secret.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { redactConfig } from '../src/config/index.ts';
import { closeLogger, createLogger, LOG_FILE_NAME } from '../src/log.ts';
import type { LogOptions } from '../src/log.ts';
import { HOME, load, SERVE_FLAGS } from './config/helpers.ts';

/** A stdout stand-in that keeps the lines. */
function captured(): { lines: string[]; stream: { write(s: string): void } } {
  const lines: string[] = [];
  return { lines, stream: { write: (s: string) => void lines.push(s) } };
}

function fileLines(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('createLogger', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stakepool-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const opts = (over: Partial<LogOptions> = {}): LogOptions => ({
    logLevel: 'info',
    logDir: join(dir, 'logs', 'simnet'),
    maxLogSize: 10,
    logsToKeep: 20,
    ...over,
  });

  it('writes every line to stdout and to <logdir>/stakepool.log', () => {
    const out = captured();
    const o = opts();
    const log = createLogger(o, { stdout: out.stream });
    log.info({ height: 12 }, 'block connected');
    log.child({ subsystem: 'web' }).warn('slow request');
    log.debug('below the level');
    closeLogger(log);
    const lines = fileLines(join(o.logDir, LOG_FILE_NAME));
    assert.deepEqual(
      lines.map((l) => [l['msg'], l['app'], l['height'] ?? l['subsystem']]),
      [
        ['block connected', 'stakepool', 12],
        ['slow request', 'stakepool', 'web'],
      ],
    );
    assert.equal(out.lines.join(''), readFileSync(join(o.logDir, LOG_FILE_NAME), 'utf8'));
  });

  it('rotates by size and keeps only logstokeep old files', () => {
    // 4 KiB files, 3 old ones: about 45 KiB of lines must leave 4 files of at most 4 KiB.
    const o = opts({ maxLogSize: 4 / 1024, logsToKeep: 3 });
    const log = createLogger(o, { stdout: false });
    const pad = 'x'.repeat(150);
    for (let i = 0; i < 200; i++) log.info({ i, pad }, 'line');
    closeLogger(log);
    const names = readdirSync(o.logDir).sort();
    assert.deepEqual(names, [LOG_FILE_NAME, ...[1, 2, 3].map((n) => `${LOG_FILE_NAME}.${n}`)]);
    for (const n of names) assert.ok(statSync(join(o.logDir, n)).size <= 4096, n);
    // Oldest first: .3, .2, .1, then the current file, with no gap and ending at the last line.
    const order = [3, 2, 1]
      .map((n) => `${LOG_FILE_NAME}.${n}`)
      .concat(LOG_FILE_NAME)
      .flatMap((n) => fileLines(join(o.logDir, n)).map((l) => l['i'] as number));
    assert.equal(order.at(-1), 199);
    assert.ok(order.length < 200, 'old files were dropped');
    order.forEach((v, k) => assert.equal(v, (order[0] as number) + k));
  });

  it('logstokeep=0 keeps just the current file', () => {
    const o = opts({ maxLogSize: 1 / 1024, logsToKeep: 0 });
    const log = createLogger(o, { stdout: false });
    for (let i = 0; i < 50; i++) log.info({ i }, 'a line of some length for the test');
    closeLogger(log);
    assert.deepEqual(readdirSync(o.logDir), [LOG_FILE_NAME]);
    assert.equal(fileLines(join(o.logDir, LOG_FILE_NAME)).at(-1)?.['i'], 49);
  });

  it('a restart appends to the existing file and counts its size', () => {
    const o = opts({ maxLogSize: 2 / 1024, logsToKeep: 5 });
    const first = createLogger(o, { stdout: false });
    for (let i = 0; i < 10; i++) first.info({ i, pad: 'y'.repeat(100) }, 'before');
    closeLogger(first);
    const before = statSync(join(o.logDir, LOG_FILE_NAME)).size;
    const second = createLogger(o, { stdout: false });
    second.info({ pad: 'z'.repeat(2000 - before) }, 'after');
    closeLogger(second);
    // The line did not fit in what was left, so the earlier lines moved to .1.
    assert.equal(fileLines(join(o.logDir, LOG_FILE_NAME))[0]?.['msg'], 'after');
    assert.ok(fileLines(join(o.logDir, `${LOG_FILE_NAME}.1`)).some((l) => l['msg'] === 'before'));
  });

  it("logdir '' logs to stdout only", () => {
    const out = captured();
    const log = createLogger(opts({ logDir: '' }), { stdout: out.stream });
    log.info('hello');
    closeLogger(log);
    assert.equal(out.lines.length, 1);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('loglevel critical is pino fatal', () => {
    const out = captured();
    const log = createLogger(opts({ logDir: '', logLevel: 'critical' }), { stdout: out.stream });
    log.error('not shown');
    log.fatal('shown');
    assert.deepEqual(
      out.lines.map((l) => (JSON.parse(l) as { msg: string }).msg),
      ['shown'],
    );
  });

  it('after closeLogger the file gets nothing more', () => {
    const o = opts();
    const out = captured();
    const log = createLogger(o, { stdout: out.stream });
    log.info('one');
    closeLogger(log);
    closeLogger(log);
    log.info('two');
    assert.deepEqual(
      fileLines(join(o.logDir, LOG_FILE_NAME)).map((l) => l['msg']),
      ['one'],
    );
    assert.equal(out.lines.length, 2);
  });

  it('takes a loaded config; the logged config shows no secret', () => {
    const logDir = join(dir, 'cfglogs');
    const { config } = load([...SERVE_FLAGS, `--logdir=${logDir}`, '--loglevel=debug']);
    assert.equal(config.logDir, logDir);
    const log = createLogger(config, { stdout: false });
    log.info({ config: redactConfig(config) }, 'starting stakepool');
    closeLogger(log);
    const text = readFileSync(join(logDir, LOG_FILE_NAME), 'utf8');
    assert.ok(text.includes('"adminPass":"***"'), text);
    for (const secret of ['admin-secret', 'rpc-secret', 'wallet-secret']) {
      assert.ok(!text.includes(secret), `${secret} is in the log`);
    }
  });

  it('the default logdir is {homedir}/logs/{network} (vspd: 10 MB, 20 files)', () => {
    const { config } = load(SERVE_FLAGS);
    assert.equal(config.logDir, join(HOME, '.stakepool', 'logs', 'testnet3'));
    assert.equal(config.maxLogSize, 10);
    assert.equal(config.logsToKeep, 20);
  });
});
