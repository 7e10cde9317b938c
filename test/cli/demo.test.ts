// The demo's pieces that need no simnet: its kept secrets (made once, mode 0600, reused) and what
// its terminal shows of the log (the emails in full with their link, warnings in one line).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { demoLogLine, loadOrCreateSecret, loadOrCreateVotingKey } from '../../src/cli/demo.ts';
import { ExtendedKey } from '../../src/dcr/hdkey.ts';
import { netParams } from '../../src/dcr/params.ts';
import { NO_MAIL_SERVER } from '../../src/pool/mailer.ts';

const net = netParams('simnet');
const dir = mkdtempSync(join(tmpdir(), 'stakepool-demo-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('demo secrets', () => {
  it('makes a secret once, private to the owner, and reads it back after', () => {
    const path = join(dir, 'sub', 'apisecret');
    let made = 0;
    const make = () => `secret-${++made}`;
    assert.equal(loadOrCreateSecret(path, make, 'a comment'), 'secret-1');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(readFileSync(path, 'utf8'), /^# a comment\n/);
    assert.equal(loadOrCreateSecret(path, make, 'a comment'), 'secret-1');
    assert.equal(made, 1);
  });

  it('refuses a file that does not hold exactly one line', () => {
    const path = join(dir, 'two-lines');
    writeFileSync(path, 'one\ntwo\n', { mode: 0o600 });
    assert.throws(() => loadOrCreateSecret(path, () => 'x', 'c'), /must hold one line/);
  });

  it('keeps a voting account key and returns its public half', () => {
    const path = join(dir, 'voting.key');
    const xpub = loadOrCreateVotingKey(path, net);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const stored = readFileSync(path, 'utf8')
      .split('\n')
      .find((l) => l !== '' && !l.startsWith('#'))!;
    const key = ExtendedKey.fromString(stored, net);
    assert.equal(key.isPrivate, true);
    assert.equal(key.neuter().toString(), xpub);
    assert.equal(ExtendedKey.fromString(xpub, net).isPrivate, false);
    assert.equal(loadOrCreateVotingKey(path, net), xpub, 'the same key on the next start');
  });

  it('refuses a voting key file holding a public key', () => {
    const path = join(dir, 'public.key');
    const xpub = loadOrCreateVotingKey(join(dir, 'other.key'), net);
    writeFileSync(path, `${xpub}\n`, { mode: 0o600 });
    assert.throws(() => loadOrCreateVotingKey(path, net), /extended private key/);
  });
});

describe('demo terminal log', () => {
  const line = (o: object) => JSON.stringify({ time: 1, app: 'stakepool', ...o });

  it('shows a logged email whole, with its link on a line of its own', () => {
    const link = 'http://127.0.0.1:8800/emailverify?t=00112233445566778899aabbccddeeff';
    const shown = demoLogLine(
      line({
        level: 30,
        subsystem: 'mail',
        msg: NO_MAIL_SERVER,
        to: 'a@example.invalid',
        subject: 'Verify',
        text: `Hello,\n\nopen ${link} to verify.\n`,
      }),
    );
    assert.ok(shown !== undefined);
    assert.match(shown, /email to a@example\.invalid/);
    assert.match(shown, /Subject: Verify/);
    assert.ok(shown.includes(`  open ${link} to verify.`), shown);
    assert.ok(shown.split('\n').includes(`>>> open this link: ${link}`), shown);
  });

  it('shows warnings and errors in one line, and leaves info out', () => {
    assert.equal(demoLogLine(line({ level: 30, msg: 'block connected' })), undefined);
    assert.equal(
      demoLogLine(line({ level: 40, subsystem: 'dcrd', msg: 'node not reachable yet', err: 'x' })),
      'warning (dcrd): node not reachable yet: x',
    );
    assert.equal(
      demoLogLine(line({ level: 50, msg: 'step failed', err: { message: 'boom', stack: 's' } })),
      'error: step failed: boom',
    );
  });

  it('passes a line that is not JSON through', () => {
    assert.equal(demoLogLine('plain text\n'), 'plain text');
  });
});
