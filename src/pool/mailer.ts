// Sends the account emails of the legacy pool over SMTP (nodemailer). With no SMTP host the
// message is written to the log and sending succeeds: the 2018 dcrstakepool behaviour, so a
// pool without mail still works (the operator reads the links from the log), instead of the
// later versions' crash after the database row was already written.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer';
import { splitHostPort } from '../config/values.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(m: MailMessage): Promise<void>;
}

/** The email options of the config (a Config fits). */
export interface MailerOptions {
  /** host:port, or '' to log messages instead of sending them. */
  readonly smtpHost: string;
  readonly smtpFrom: string;
  readonly smtpUsername: string;
  readonly smtpPassword: string;
  /** Implicit TLS; otherwise STARTTLS is used whenever the server offers it. */
  readonly useSmtps: boolean;
  /** PEM file of an extra trusted CA, or ''. */
  readonly smtpCert: string;
  /** Skip certificate checks; ignored when smtpCert is set. */
  readonly smtpSkipVerify: boolean;
}

/** The part of a pino logger the mailer uses. */
export interface MailLog {
  info(obj: object, msg: string): void;
}

export const NO_MAIL_SERVER = 'no mail server configured -- skipping sending';

// One address and nothing else: a comma or angle bracket would let a crafted email field
// add recipients, and CR/LF would reach the headers.
const SINGLE_ADDRESS = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+$/;

/** The nodemailer transport options for `o` (exported for tests). */
export function smtpTransportOptions(
  o: MailerOptions,
  readCert: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): SMTPTransportOptions {
  const { host, port } = splitHostPort(o.smtpHost);
  const tls: NonNullable<SMTPTransportOptions['tls']> = {};
  if (o.smtpCert !== '') {
    // Node's `ca` replaces the default roots; the operator's CA is meant to be added to them.
    tls.ca = [...rootCertificates, readCert(o.smtpCert)];
  } else if (o.smtpSkipVerify) {
    tls.rejectUnauthorized = false;
  }
  return {
    host,
    port: port ?? (o.useSmtps ? 465 : 587),
    secure: o.useSmtps,
    // Not secure: nodemailer upgrades with STARTTLS whenever the server offers it, and then
    // verifies the certificate like an implicit-TLS connection.
    tls,
    ...(o.smtpUsername !== '' || o.smtpPassword !== ''
      ? { auth: { user: o.smtpUsername, pass: o.smtpPassword } }
      : {}),
    // A web request waits for the send: fail in seconds, not nodemailer's minutes.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  };
}

export function createMailer(o: MailerOptions, log: MailLog): Mailer {
  if (o.smtpHost === '') {
    return {
      send(m) {
        checkMessage(m);
        log.info({ to: m.to, subject: m.subject, text: m.text }, NO_MAIL_SERVER);
        return Promise.resolve();
      },
    };
  }
  // Built once: a bad smtpcert path is a startup error, not a failure on the first signup.
  const transport = nodemailer.createTransport(smtpTransportOptions(o));
  const where = o.smtpHost;
  const secrets = secretForms(o.smtpUsername, o.smtpPassword);
  return {
    async send(m) {
      checkMessage(m);
      let messageId: string | undefined;
      try {
        const info = await transport.sendMail({
          ...(o.smtpFrom !== '' ? { from: o.smtpFrom } : {}),
          to: m.to,
          subject: m.subject,
          text: m.text,
        });
        messageId = info.messageId;
      } catch (err) {
        // A new Error without the cause: nodemailer's error carries the last SMTP command,
        // which for AUTH PLAIN/LOGIN holds the credentials in base64.
        const e = err as { message?: unknown; code?: unknown; responseCode?: unknown };
        const detail = scrub(String(e.message ?? err), secrets);
        const code = typeof e.code === 'string' ? ` (${e.code})` : '';
        // eslint-disable-next-line preserve-caught-error -- the cause would leak the credentials
        throw new Error(`sending email via SMTP server ${where} failed${code}: ${detail}`);
      }
      log.info({ to: m.to, subject: m.subject, messageId }, 'email sent');
    },
  };
}

function checkMessage(m: MailMessage): void {
  if (!SINGLE_ADDRESS.test(m.to)) throw new TypeError('to: not a single email address');
  if (/[\r\n]/.test(m.subject)) throw new TypeError('subject: must be one line');
}

/** The password as it may appear on the wire: plain, and inside the base64 AUTH forms. */
function secretForms(user: string, pass: string): string[] {
  if (pass === '') return [];
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [pass, b64(pass), b64(`\0${user}\0${pass}`), encodeURIComponent(pass)];
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s !== '') out = out.split(s).join('***');
  return out;
}
