// Which requests reach a command: GET getpurchaseinfo/stats, POST address/voting under /api/v1
// and /api/v2; every other method, command, version or path under /api answers 404 "invalid API
// command or version" (dcrstakepool answered odd methods with success, code 0: not copied).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiHarness, call, envelope, INVALID, newUser, suiteHarness } from './harness.ts';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
const COMMANDS: Record<string, (typeof METHODS)[number]> = {
  getpurchaseinfo: 'GET',
  stats: 'GET',
  address: 'POST',
  voting: 'POST',
};

describe('api routing', () => {
  const h = suiteHarness(apiHarness);

  test('the exact 404 body', async () => {
    const res = await call(h, '/api/v1/nosuchcommand');
    assert.equal(res.statusCode, 404);
    assert.equal(
      res.body,
      '{"status":"error","code":3,"message":"invalid API command or version"}\n',
    );
  });

  test('every command with every other method: 404, with or without a token', async () => {
    const { token } = await newUser(h);
    for (const v of ['v1', 'v2']) {
      for (const [cmd, method] of Object.entries(COMMANDS)) {
        for (const m of METHODS) {
          if (m === method) continue;
          for (const t of [undefined, token]) {
            const res = await call(h, `/api/${v}/${cmd}`, {
              method: m,
              ...(t !== undefined ? { token: t } : {}),
              ...(m === 'POST' || m === 'PUT' || m === 'PATCH'
                ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' }
                : {}),
            });
            assert.equal(res.statusCode, 404, `${m} /api/${v}/${cmd}`);
            if (m !== 'HEAD') envelope(res, INVALID);
          }
        }
      }
    }
  });

  test('unknown commands, versions and paths under /api: 404', async () => {
    for (const url of [
      '/api/v1/',
      '/api/v1',
      '/api/v2/getPurchaseInfo',
      '/api/v1/stats/',
      '/api/v1/stats/extra',
      '/api/v0.1/stats',
      '/api/v4/stats',
      '/api/stats',
      '/api',
      '/api/',
    ]) {
      const res = await call(h, url);
      assert.equal(res.statusCode, 404, url);
      envelope(res, INVALID);
    }
  });

  test('POST bodies of other content types read as an empty form', async () => {
    const { token } = await newUser(h);
    for (const type of ['text/plain', 'application/json', 'multipart/form-data; boundary=x', '']) {
      const res = await call(h, '/api/v1/voting', {
        token,
        method: 'POST',
        headers: type === '' ? {} : { 'content-type': type },
        body: 'VoteBits=1',
      });
      envelope(res, {
        status: 'error',
        code: 3,
        message: 'voting error - unable to convert votebits to uint16',
      });
    }
  });

  test('a urlencoded body with a charset parameter is read', async () => {
    const { token } = await newUser(h);
    const res = await call(h, '/api/v1/voting', {
      token,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: 'VoteBits=1',
    });
    envelope(res, {
      status: 'success',
      code: 0,
      message: 'successfully updated voting preferences',
    });
  });

  test('a body over 16 KiB: 413 with the envelope', async () => {
    const { token } = await newUser(h);
    const res = await call(h, '/api/v1/voting', {
      token,
      form: { VoteBits: '1', pad: 'x'.repeat(20_000) },
    });
    envelope(res, { http: 413, status: 'error', code: 3, message: 'invalid request' });
  });

  test('in the whole app: /api/v1 and /api/v2 served beside /api/v3', async () => {
    const whole = await apiHarness({}, { viaBuild: true });
    try {
      envelope(await call(whole, '/api/v1/stats'), {
        status: 'success',
        code: 0,
        message: 'stats successfully retrieved',
      });
      envelope(await call(whole, '/api/v2/nosuch'), INVALID);
      envelope(await call(whole, '/api/v9/stats'), INVALID);
      // /api/v3 keeps its own answers (vspd's shape, signed).
      const v3 = await call(whole, '/api/v3/vspinfo');
      assert.equal(v3.statusCode, 200);
      assert.ok('vspd-server-signature' in v3.headers || 'vsp-server-signature' in v3.headers);
      const v3missing = await call(whole, '/api/v3/nosuch');
      assert.equal(v3missing.statusCode, 404);
      assert.deepEqual(JSON.parse(v3missing.body), { code: 0, message: 'not found' });
    } finally {
      await whole.close();
    }
  });
});
