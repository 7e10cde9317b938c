// A real SMTP server on 127.0.0.1 (smtp-server) that keeps every message it receives, for tests
// that send mail over TCP: plain, STARTTLS or implicit TLS, with or without AUTH. Messages are
// parsed just enough to read the recipient, subject and plain-text body (quoted-printable,
// base64, a multipart's first text/plain part). createTestCertificates makes a throwaway CA and
// a server certificate for 127.0.0.1/localhost with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';

export interface SinkMessage {
  /** Envelope sender (MAIL FROM). */
  mailFrom: string;
  /** Envelope recipients (RCPT TO). */
  rcptTo: string[];
  /** Header names lowercased; a repeated header keeps its last value. */
  headers: Map<string, string>;
  from: string;
  to: string;
  subject: string;
  /** The decoded plain-text body. */
  text: string;
  raw: string;
  /** Whether the session was TLS when the message came in (implicit TLS or after STARTTLS). */
  secure: boolean;
  /** The authenticated user, if the client logged in. */
  user: string | undefined;
}

export interface SmtpSinkOptions {
  /** 'none' (default): plain only; 'starttls': plain with STARTTLS offered; 'implicit': SMTPS. */
  tls?: 'none' | 'starttls' | 'implicit';
  /** PEM key and certificate for TLS; without them smtp-server uses its built-in self-signed pair. */
  key?: string;
  cert?: string;
  /** Require AUTH with these credentials (PLAIN/LOGIN, allowed without TLS too). */
  auth?: { user: string; pass: string };
}

export interface SmtpSink {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** host:port, as the smtphost option takes it. */
  readonly address: string;
  readonly messages: SinkMessage[];
  /** Failed logins, as user names. */
  readonly authFailures: string[];
  /** The first message (already received or yet to come) that matches; rejects after timeoutMs. */
  waitFor(predicate?: (m: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>;
  close(): Promise<void>;
}

export async function startSmtpSink(o: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const mode = o.tls ?? 'none';
  const messages: SinkMessage[] = [];
  const authFailures: string[] = [];
  const events = new EventEmitter();
  const options: SMTPServerOptions = {
    secure: mode === 'implicit',
    ...(o.key !== undefined ? { key: o.key } : {}),
    ...(o.cert !== undefined ? { cert: o.cert } : {}),
    disabledCommands: [
      ...(mode === 'none' ? ['STARTTLS'] : []),
      ...(o.auth === undefined ? ['AUTH'] : []),
    ],
    authOptional: o.auth === undefined,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    size: 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (o.auth !== undefined && auth.username === o.auth.user && auth.password === o.auth.pass) {
        callback(null, { user: auth.username });
        return;
      }
      authFailures.push(auth.username ?? '');
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        const m: SinkMessage = {
          ...parseMessage(raw),
          mailFrom: from === false ? '' : from.address,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
        };
        messages.push(m);
        events.emit('message', m);
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  // The client's errors (a refused TLS handshake in a negative test) are not the sink's.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    messages,
    authFailures,
    waitFor(predicate = () => true, timeoutMs = 10_000) {
      const found = messages.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onMessage = (m: SinkMessage) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          events.off('message', onMessage);
          resolve(m);
        };
        const timer = setTimeout(() => {
          events.off('message', onMessage);
          const seen = messages.map((m) => `${m.to}: ${m.subject}`).join('; ') || 'none';
          reject(new Error(`no matching email within ${timeoutMs} ms (received: ${seen})`));
        }, timeoutMs);
        events.on('message', onMessage);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ----- parsing -----

interface ParsedPart {
  headers: Map<string, string>;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export function parseMessage(raw: string): ParsedPart {
  const { headers, body } = splitHeaders(raw);
  return {
    headers,
    from: decodeWords(headers.get('from') ?? ''),
    to: decodeWords(headers.get('to') ?? ''),
    subject: decodeWords(headers.get('subject') ?? ''),
    text: plainText(headers, body),
  };
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end < 0 ? normalized : normalized.slice(0, end);
  const body = end < 0 ? '' : normalized.slice(end + 2);
  const headers = new Map<string, string>();
  // Unfold: a line starting with white space continues the previous header.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function plainText(headers: Map<string, string>, body: string): string {
  const type = headers.get('content-type') ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = param(type, 'boundary');
    if (boundary === undefined) return '';
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const p = splitHeaders(part.replace(/^\n/, ''));
      const text = plainText(p.headers, p.body.replace(/\n$/, ''));
      if (/^text\/plain/i.test(p.headers.get('content-type') ?? 'text/plain')) return text;
      if (/^multipart\//i.test(p.headers.get('content-type') ?? '') && text !== '') return text;
    }
    return '';
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const charset = (param(type, 'charset') ?? 'utf-8').toLowerCase();
  let bytes: Buffer;
  if (encoding === 'quoted-printable') bytes = decodeQuotedPrintable(body);
  else if (encoding === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else bytes = Buffer.from(body, 'utf8');
  return new TextDecoder(charset).decode(bytes);
}

function param(header: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*("([^"]*)"|[^;\\s]+)`, 'i').exec(header);
  if (m === null) return undefined;
  return m[2] ?? m[1];
}

function decodeQuotedPrintable(body: string): Buffer {
  // Soft line breaks join lines; =XX is one byte; everything else is taken as it is.
  const joined = body.replace(/=\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i] as string;
    const hex = joined.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(out);
}

/** RFC 2047 encoded words (=?charset?Q|B?…?=), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
      (_m, charset: string, enc: string, data: string) => {
        const bytes =
          enc.toUpperCase() === 'B'
            ? Buffer.from(data, 'base64')
            : decodeQuotedPrintable(data.replace(/_/g, ' '));
        return new TextDecoder(charset.toLowerCase()).decode(bytes);
      },
    );
}

// ----- certificates -----

export interface TestCertificates {
  dir: string;
  /** Paths and PEM text of the CA certificate, the server key and the server certificate. */
  caPath: string;
  ca: string;
  key: string;
  cert: string;
  /** Removes the directory. */
  cleanup(): void;
}

/** Fails with a clear message when the openssl CLI is missing. */
export function requireOpenssl(): string {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch (err) {
    throw new Error(
      `the openssl command is needed to make test certificates: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * A throwaway CA and a server certificate it signed, valid for 127.0.0.1 and localhost (P-256,
 * two days), in a new temp directory.
 */
export function createTestCertificates(name = 'smtp test'): TestCertificates {
  requireOpenssl();
  const dir = mkdtempSync(join(tmpdir(), 'stakepool-certs-'));
  const p = (f: string) => join(dir, f);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-days',
    '2',
    '-subj',
    `/CN=${name} CA`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  run([
    'req',
    ...ec,
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
    '-subj',
    `/CN=${name} server`,
  ]);
  writeFileSync(
    p('server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  run([
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('server.pem'),
    '-days',
    '2',
    '-extfile',
    p('server.ext'),
  ]);
  return {
    dir,
    caPath: p('ca.pem'),
    ca: readFileSync(p('ca.pem'), 'utf8'),
    key: readFileSync(p('server.key'), 'utf8'),
    cert: readFileSync(p('server.pem'), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
