// The mailer against a real SMTP server over TCP on loopback: plain, STARTTLS and SMTPS with a
// throwaway CA, AUTH, the log fallback without a server, and failures that never show the
// SMTP password.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { createMailer, NO_MAIL_SERVER, smtpTransportOptions } from '../../src/pool/mailer.ts';
import type { MailerOptions } from '../../src/pool/mailer.ts';
import { createTestCertificates, startSmtpSink } from '../helpers/smtp-sink.ts';
import type { SmtpSink, TestCertificates } from '../helpers/smtp-sink.ts';

const silent = { info: () => undefined };

function options(over: Partial<MailerOptions>): MailerOptions {
  return {
    smtpHost: '',
    smtpFrom: 'pool@example.org',
    smtpUsername: '',
    smtpPassword: '',
    useSmtps: false,
    smtpCert: '',
    smtpSkipVerify: false,
    ...over,
  };
}

const LINK = 'https://pool.example.org/emailverify?t=0123456789abcdef0123456789abcdef';
const message = (to = 'alice@example.com') => ({
  to,
  subject: 'Voting service provider email verification',
  // Longer than a mail line, so it is quoted-printable encoded on the way.
  text: `Open this link to go on, it is only valid for a while and it is quite long:\n${LINK}\n`,
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('mailer over SMTP', () => {
  let certs: TestCertificates;
  let otherCa: TestCertificates;
  const sinks: SmtpSink[] = [];
  const sink = async (o: Parameters<typeof startSmtpSink>[0]) => {
    const s = await startSmtpSink(o);
    sinks.push(s);
    return s;
  };

  before(() => {
    certs = createTestCertificates('mailer');
    otherCa = createTestCertificates('unrelated');
  });
  after(async () => {
    for (const s of sinks) await s.close();
    certs.cleanup();
    otherCa.cleanup();
  });

  it('sends in plain text to a server without TLS', async () => {
    const s = await sink({});
    await createMailer(options({ smtpHost: s.address }), silent).send(message());
    const m = await s.waitFor((x) => x.to === 'alice@example.com');
    assert.equal(m.subject, 'Voting service provider email verification');
    assert.equal(m.from, 'pool@example.org');
    assert.equal(m.mailFrom, 'pool@example.org');
    assert.deepEqual(m.rcptTo, ['alice@example.com']);
    assert.ok(m.text.includes(LINK), m.text);
    assert.equal(m.secure, false);
  });

  it('upgrades with STARTTLS when offered and trusts the smtpcert CA', async () => {
    const s = await sink({ tls: 'starttls', key: certs.key, cert: certs.cert });
    await createMailer(options({ smtpHost: s.address, smtpCert: certs.caPath }), silent).send(
      message('bob@example.com'),
    );
    const m = await s.waitFor((x) => x.to === 'bob@example.com');
    assert.equal(m.secure, true);
    assert.ok(m.text.includes(LINK));
  });

  it('refuses a STARTTLS certificate from an unknown CA', async () => {
    const s = await sink({ tls: 'starttls', key: certs.key, cert: certs.cert });
    await assert.rejects(
      createMailer(options({ smtpHost: s.address }), silent).send(message()),
      (e: Error) => e.message.includes(s.address),
    );
    assert.equal(s.messages.length, 0);
  });

  it('smtpskipverify accepts any certificate when there is no smtpcert', async () => {
    const s = await sink({ tls: 'starttls', key: certs.key, cert: certs.cert });
    await createMailer(options({ smtpHost: s.address, smtpSkipVerify: true }), silent).send(
      message('carol@example.com'),
    );
    assert.equal((await s.waitFor()).secure, true);
  });

  it('smtpskipverify is ignored when smtpcert is set', async () => {
    const s = await sink({ tls: 'starttls', key: certs.key, cert: certs.cert });
    const mailer = createMailer(
      options({ smtpHost: s.address, smtpCert: otherCa.caPath, smtpSkipVerify: true }),
      silent,
    );
    await assert.rejects(mailer.send(message()));
    assert.equal(s.messages.length, 0);
  });

  it('uses implicit TLS with usesmtps', async () => {
    const s = await sink({ tls: 'implicit', key: certs.key, cert: certs.cert });
    await createMailer(
      options({ smtpHost: s.address, useSmtps: true, smtpCert: certs.caPath }),
      silent,
    ).send(message('dave@example.com'));
    const m = await s.waitFor((x) => x.to === 'dave@example.com');
    assert.equal(m.secure, true);
  });

  it('logs in with smtpusername/smtppassword', async () => {
    const s = await sink({
      tls: 'starttls',
      key: certs.key,
      cert: certs.cert,
      auth: { user: 'mailer', pass: 'sm7p-Pa55word' },
    });
    const o = options({
      smtpHost: s.address,
      smtpCert: certs.caPath,
      smtpUsername: 'mailer',
      smtpPassword: 'sm7p-Pa55word',
    });
    await createMailer(o, silent).send(message('erin@example.com'));
    const m = await s.waitFor((x) => x.to === 'erin@example.com');
    assert.equal(m.user, 'mailer');
  });

  it('a failed login rejects naming the host, not the password', async () => {
    const password = 'wrong-Secret-42';
    const s = await sink({ auth: { user: 'mailer', pass: 'the-right-one' } });
    const o = options({ smtpHost: s.address, smtpUsername: 'mailer', smtpPassword: password });
    const err = await createMailer(o, silent)
      .send(message())
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e as Error,
      );
    assert.ok(err instanceof Error);
    assert.ok(err.message.includes(s.address), err.message);
    assertNoSecret(err, password, 'mailer');
    assert.deepEqual(s.authFailures, ['mailer']);
    assert.equal(s.messages.length, 0);
  });

  it('a refused connection rejects naming the host, not the password', async () => {
    const port = await freePort();
    const password = 'refused-Secret-7';
    const o = options({
      smtpHost: `127.0.0.1:${port}`,
      smtpUsername: 'mailer',
      smtpPassword: password,
    });
    const err = await createMailer(o, silent)
      .send(message())
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e as Error,
      );
    assert.ok(err.message.includes(`127.0.0.1:${port}`), err.message);
    assertNoSecret(err, password, 'mailer');
  });

  it('refuses a recipient that is not one plain address', async () => {
    const s = await sink({});
    const mailer = createMailer(options({ smtpHost: s.address }), silent);
    for (const to of ['a@example.com, b@example.com', 'a@example.com\r\nBcc: b@x.org', 'nobody']) {
      await assert.rejects(mailer.send(message(to)), TypeError);
    }
    assert.equal(s.messages.length, 0);
  });
});

function assertNoSecret(err: Error, password: string, user: string): void {
  const everything = JSON.stringify({
    message: err.message,
    stack: err.stack,
    cause: String((err as { cause?: unknown }).cause),
    own: Object.fromEntries(Object.entries(err)),
  });
  for (const form of [
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\0${user}\0${password}`).toString('base64'),
  ]) {
    assert.ok(!everything.includes(form), `the error shows the password: ${everything}`);
  }
}

describe('mailer without a mail server', () => {
  it('logs the whole message at info and resolves', async () => {
    const logged: { obj: object; msg: string }[] = [];
    const mailer = createMailer(options({ smtpHost: '' }), {
      info: (obj, msg) => logged.push({ obj, msg }),
    });
    const m = message();
    await mailer.send(m);
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.msg, NO_MAIL_SERVER);
    assert.match(NO_MAIL_SERVER, /^no mail server configured/);
    assert.deepEqual(logged[0]?.obj, { to: m.to, subject: m.subject, text: m.text });
  });
});

describe('smtpTransportOptions', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nextra\n-----END CERTIFICATE-----\n';

  it('adds the smtpcert CA to the default roots instead of replacing them', () => {
    const t = smtpTransportOptions(
      options({ smtpHost: 'mail.example.org:587', smtpCert: '/ca.pem', smtpSkipVerify: true }),
      () => pem,
    );
    const ca = t.tls?.ca as string[];
    assert.equal(ca.length, rootCertificates.length + 1);
    assert.ok(rootCertificates.every((c) => ca.includes(c)));
    assert.equal(ca.at(-1), pem);
    assert.notEqual(t.tls?.rejectUnauthorized, false);
  });

  it('splits host and port and picks secure from usesmtps', () => {
    const plain = smtpTransportOptions(options({ smtpHost: '[::1]:2525' }));
    assert.equal(plain.host, '::1');
    assert.equal(plain.port, 2525);
    assert.equal(plain.secure, false);
    assert.equal(plain.ignoreTLS, undefined);
    assert.equal(plain.auth, undefined);
    assert.equal(plain.tls?.ca, undefined);
    const smtps = smtpTransportOptions(options({ smtpHost: 'mail.example.org', useSmtps: true }));
    assert.equal(smtps.port, 465);
    assert.equal(smtps.secure, true);
    assert.equal(smtpTransportOptions(options({ smtpHost: 'mail.example.org' })).port, 587);
  });
});
