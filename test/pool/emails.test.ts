// The account email texts: dcrstakepool's subjects, the requester's IP, and the right link.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  emailChangeNewMessage,
  emailChangeOldMessage,
  passwordChangedMessage,
  passwordResetMessage,
  verifyEmailMessage,
} from '../../src/pool/emails.ts';
import { createMailer } from '../../src/pool/mailer.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const base = 'https://pool.example.org';
const token = '00112233445566778899aabbccddeeff';
const ip = '203.0.113.7';

describe('account emails', () => {
  it('verification: subject, IP and the /emailverify link', () => {
    const m = verifyEmailMessage({ to: 'new@example.com', baseUrl: base, token, ip });
    assert.equal(m.to, 'new@example.com');
    assert.equal(m.subject, 'Voting service provider email verification');
    assert.ok(m.text.includes(ip));
    assert.ok(m.text.includes(`${base}/emailverify?t=${token}\n`), m.text);
  });

  it('password reset: subject, IP, the /passwordupdate link and its lifetime', () => {
    const m = passwordResetMessage({ to: 'u@example.com', baseUrl: base, token, ip });
    assert.equal(m.subject, 'Voting service password reset');
    assert.ok(m.text.includes(ip));
    assert.ok(m.text.includes(`${base}/passwordupdate?t=${token}\n`), m.text);
    assert.ok(m.text.includes('1 hour'));
    const m2 = passwordResetMessage({
      to: 'u@example.com',
      baseUrl: base,
      token,
      ip,
      expiresInMinutes: 30,
    });
    assert.ok(m2.text.includes('30 minutes'));
  });

  it('email change: the new address gets the /emailupdate link, the old one a notice', () => {
    const toNew = emailChangeNewMessage({
      to: 'new@example.com',
      oldEmail: 'old@example.com',
      baseUrl: base,
      token,
      ip,
    });
    assert.equal(toNew.to, 'new@example.com');
    assert.equal(toNew.subject, 'Voting service email change');
    assert.ok(toNew.text.includes(ip));
    assert.ok(toNew.text.includes('old@example.com'));
    assert.ok(toNew.text.includes(`${base}/emailupdate?t=${token}\n`), toNew.text);

    const toOld = emailChangeOldMessage({
      to: 'old@example.com',
      newEmail: 'new@example.com',
      baseUrl: base,
      ip,
    });
    assert.equal(toOld.to, 'old@example.com');
    assert.equal(toOld.subject, 'Voting service email change');
    assert.ok(toOld.text.includes(ip));
    assert.ok(toOld.text.includes('new@example.com'));
    // The notice must not let the old address complete the change.
    assert.ok(!toOld.text.includes('?t='));
  });

  it('password change: subject and IP, no token', () => {
    const m = passwordChangedMessage({ to: 'u@example.com', baseUrl: base, ip });
    assert.equal(m.subject, 'Voting service password change');
    assert.ok(m.text.includes(ip));
    assert.ok(!m.text.includes('?t='));
  });

  it('a trailing slash in baseurl does not double the slash', () => {
    const m = verifyEmailMessage({ to: 'a@example.com', baseUrl: `${base}/`, token, ip });
    assert.ok(m.text.includes(`${base}/emailverify?t=${token}`));
    assert.ok(!m.text.includes('//emailverify'));
  });

  it('the link survives the trip through a real SMTP server', async () => {
    const sink = await startSmtpSink();
    try {
      const mailer = createMailer(
        {
          smtpHost: sink.address,
          smtpFrom: 'pool@example.org',
          smtpUsername: '',
          smtpPassword: '',
          useSmtps: false,
          smtpCert: '',
          smtpSkipVerify: false,
        },
        { info: () => undefined },
      );
      const sent = passwordResetMessage({ to: 'u@example.com', baseUrl: base, token, ip });
      await mailer.send(sent);
      const got = await sink.waitFor((m) => m.subject === 'Voting service password reset');
      assert.equal(got.to, 'u@example.com');
      assert.equal(got.text.replace(/\r\n/g, '\n'), sent.text);
      const link = /\/passwordupdate\?t=([0-9a-f]{32})/.exec(got.text);
      assert.equal(link?.[1], token);
    } finally {
      await sink.close();
    }
  });
});
