import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_TABLE, ErrorCode, errorInfo, isVspError, VspError } from '../../src/vsp/errors.ts';

// vspd types/errors_test.go, code by code: HTTP status and default message.
const VSPD: [number, number, string][] = [
  [0, 400, 'bad request'],
  [1, 500, 'internal error'],
  [2, 400, 'vsp is closed'],
  [3, 400, 'fee tx already received for ticket'],
  [4, 400, 'invalid fee tx'],
  [5, 400, 'fee too small'],
  [6, 400, 'unknown ticket'],
  [7, 400, 'ticket not eligible to vote'],
  [8, 400, 'fee has expired'],
  [9, 400, 'invalid vote choices'],
  [10, 400, 'bad request signature'],
  [11, 400, 'invalid private key'],
  [12, 400, 'no fee tx received for ticket'],
  [13, 400, 'not a valid ticket tx'],
  [14, 500, 'ticket transaction could not be broadcast'],
  [15, 500, 'fee transaction could not be broadcast'],
  [16, 428, 'fee transaction could not be broadcast due to unknown outputs'],
  [17, 400, 'old or reused timestamp'],
];

describe('error table', () => {
  for (const [code, status, message] of VSPD) {
    it(`code ${code} → ${status} ${JSON.stringify(message)}`, () => {
      const info = errorInfo(code as ErrorCode);
      assert.equal(info.code, code);
      assert.equal(info.httpStatus, status);
      assert.equal(info.message, message);
      assert.equal(ErrorCode[info.name], code);
    });
  }

  it('is closed: exactly codes 0–17', () => {
    assert.equal(ERROR_TABLE.length, 18);
    assert.deepEqual(
      Object.values(ErrorCode).sort((a, b) => a - b),
      Array.from({ length: 18 }, (_, i) => i),
    );
    assert.throws(() => errorInfo(18 as ErrorCode), RangeError);
  });

  it('VspError carries code, status and a two-key body', () => {
    const e = new VspError(ErrorCode.CannotBroadcastFeeUnknownOutputs);
    assert.equal(e.httpStatus, 428);
    assert.deepEqual(e.toBody(), {
      code: 16,
      message: 'fee transaction could not be broadcast due to unknown outputs',
    });
    const custom = new VspError(ErrorCode.BadRequest, 'invalid ticket hash', {
      cause: new Error('secret detail'),
    });
    assert.deepEqual(Object.keys(custom.toBody()), ['code', 'message']);
    assert.equal(custom.toBody().message, 'invalid ticket hash');
    assert.ok(isVspError(custom, ErrorCode.BadRequest));
    assert.ok(!isVspError(custom, ErrorCode.InternalError));
    assert.ok(!isVspError(new Error('x')));
  });
});
