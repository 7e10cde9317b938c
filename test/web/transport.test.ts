// The wire rules every /api/v3 reply follows: raw bodies under any or no Content-Type, the 1 MiB
// cap, exact `request` echo, signatures over the exact bytes (errors and 404s included), and the
// generic 500 that never leaks its cause.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ErrorCode } from '../../src/vsp/errors.ts';
import { MAX_BODY_BYTES } from '../../src/web/plugins/raw-body.ts';
import {
  assertError,
  assertOk,
  harness,
  newTicket,
  onChain,
  post,
  storeTicket,
} from './fixtures.ts';

function registered() {
  const h = harness();
  const t = newTicket();
  onChain(h, t, 10);
  storeTicket(h, t);
  return { h, t };
}

describe('request bodies are read raw, whatever the Content-Type', () => {
  const contentTypes: [string, Record<string, string>][] = [
    ['no Content-Type (what dcrwallet sends)', {}],
    ['application/json', { 'content-type': 'application/json' }],
    ['text/plain', { 'content-type': 'text/plain; charset=latin1' }],
    ['a form type', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a malformed Content-Type', { 'content-type': 'not a media type' }],
    ['multipart without a boundary', { 'content-type': 'multipart/form-data' }],
  ];
  for (const [name, headers] of contentTypes) {
    it(name, async () => {
      const { h, t } = registered();
      // Odd spacing and key order: the echo must be these bytes, not re-serialized JSON.
      const body = `{ "tickethash" : "${t.hash}",\n "extra": [1, 2.50] }`;
      const res = await post(h, '/ticketstatus', body, { signer: t.commitment, headers });
      assertOk(h, res, body);
    });
  }

  it('echoes multi-byte UTF-8 exactly', async () => {
    const { h, t } = registered();
    const body = `{"tickethash":"${t.hash}","note":"é ✓ 😀"}`;
    assertOk(
      h,
      await post(h, '/ticketstatus', Buffer.from(body, 'utf8'), { signer: t.commitment }),
      body,
    );
  });
});

describe('bodies that are not JSON', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['empty', '', /^request body is empty$/],
    ['not JSON', 'tickethash=abc', /^request body is not valid JSON/],
    ['truncated JSON', '{"tickethash":"ab', /^request body is not valid JSON/],
    ['trailing garbage', '{"tickethash":"ab"} x', /^request body is not valid JSON/],
    [
      'not UTF-8',
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      /^request body is not valid UTF-8$/,
    ],
    ['a JSON array', '[]', /^request body: must be an object$/],
    ['JSON null', 'null', /^request body: must be an object$/],
    ['a JSON string', '"x"', /^request body: must be an object$/],
  ];
  for (const [name, body, msg] of cases) {
    it(`${name} → 400/0`, async () => {
      const { h } = registered();
      assertError(h, await post(h, '/ticketstatus', body), ErrorCode.BadRequest, msg);
    });
  }
});

describe('1 MiB body cap', () => {
  it('a declared Content-Length over the cap is refused before reading, and the connection closed', async () => {
    const { h, t } = registered();
    const body = `{"tickethash":"${t.hash}","pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`;
    const res = await post(h, '/ticketstatus', body, { signer: t.commitment });
    assertError(h, res, ErrorCode.BadRequest, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    assert.equal(res.headers['connection'], 'close');
  });

  it('a streamed body (no Content-Length) is cut off at the cap', async () => {
    const { h, t } = registered();
    const chunks = [`{"tickethash":"${t.hash}","pad":"`, 'y'.repeat(MAX_BODY_BYTES), '"}'];
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v3/ticketstatus',
      payload: Readable.from(chunks.map((c) => Buffer.from(c))),
    });
    assertError(h, res, ErrorCode.BadRequest, /exceeds/);
  });

  it('a body of exactly 1 MiB is read', async () => {
    const { h, t } = registered();
    const head = `{"tickethash":"${t.hash}","pad":"`;
    const body = head + 'z'.repeat(MAX_BODY_BYTES - head.length - 2) + '"}';
    assert.equal(Buffer.byteLength(body), MAX_BODY_BYTES);
    assertOk(h, await post(h, '/ticketstatus', body, { signer: t.commitment }), body);
  });

  it('a closed VSP answers 2 before the body is even looked at (vspd order)', async () => {
    const { h } = registered();
    h.config.vspClosed = true;
    const res = await post(h, '/feeaddress', 'not json at all');
    assertError(h, res, ErrorCode.VspClosed);
  });
});

describe('server signatures', () => {
  it('verify with the pubkey /vspinfo reports, over the exact bytes of 200s, errors and 404s', async () => {
    const { h, t } = registered();
    const info = await h.app.inject({ method: 'GET', url: '/api/v3/vspinfo' });
    const pubkey = Buffer.from((JSON.parse(info.body) as { pubkey: string }).pubkey, 'base64');
    assert.equal(pubkey.length, 32);
    const replies = [
      info,
      await post(h, '/ticketstatus', JSON.stringify({ tickethash: t.hash }), {
        signer: t.commitment,
      }),
      await post(h, '/ticketstatus', JSON.stringify({ tickethash: t.hash })),
      await post(h, '/nosuchendpoint', '{}'),
      await h.app.inject({ method: 'GET', url: '/api/v3/feeaddress' }),
    ];
    assert.deepEqual(
      replies.map((r) => r.statusCode),
      [200, 200, 400, 404, 404],
    );
    for (const r of replies) {
      const sig = Buffer.from(r.headers['vsp-server-signature'] as string, 'base64');
      assert.ok(ed25519.verify(sig, r.rawPayload, pubkey), `${r.statusCode} ${r.body}`);
      // One flipped byte no longer verifies.
      const tampered = Buffer.from(r.rawPayload);
      tampered[0] = tampered[0]! ^ 1;
      assert.ok(!ed25519.verify(sig, tampered, pubkey));
    }
    assert.deepEqual(JSON.parse(replies[3]!.body), { code: 0, message: 'not found' });
  });
});

describe('unexpected errors', () => {
  it('become 500 {"code":1,"message":"internal error"}; the cause is logged, never sent', async () => {
    const { h, t } = registered();
    h.store.failWith = new Error('SQLITE_BUSY: database /secret/path is locked');
    const res = await post(h, '/ticketstatus', JSON.stringify({ tickethash: t.hash }), {
      signer: t.commitment,
    });
    assertError(h, res, ErrorCode.InternalError);
    assert.doesNotMatch(res.body, /SQLITE|secret/);
    const logged = h.logs.find((l) => l.level === 'error' && l.msg === 'internal error');
    assert.match(String((logged?.obj as { err?: Error } | undefined)?.err?.message), /SQLITE_BUSY/);
  });
});
