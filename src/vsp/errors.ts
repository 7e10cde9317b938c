// The VSP API's closed error table (vspd types.ErrorCode, codes 0–17). Every non-200 reply of
// /api/v3 is exactly `{"code":N,"message":"…"}`: dcrwallet decodes error bodies with unknown
// fields disallowed, so any extra key turns a VSP error into an anonymous HTTP failure.

export const ErrorCode = {
  BadRequest: 0,
  InternalError: 1,
  VspClosed: 2,
  FeeAlreadyReceived: 3,
  InvalidFeeTx: 4,
  FeeTooSmall: 5,
  UnknownTicket: 6,
  TicketCannotVote: 7,
  FeeExpired: 8,
  InvalidVoteChoices: 9,
  BadSignature: 10,
  InvalidPrivKey: 11,
  FeeNotReceived: 12,
  InvalidTicket: 13,
  CannotBroadcastTicket: 14,
  CannotBroadcastFee: 15,
  CannotBroadcastFeeUnknownOutputs: 16,
  InvalidTimestamp: 17,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
export type ErrorName = keyof typeof ErrorCode;

export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly name: ErrorName;
  readonly httpStatus: number;
  readonly message: string;
}

function info(name: ErrorName, httpStatus: number, message: string): ErrorInfo {
  return Object.freeze({ code: ErrorCode[name], name, httpStatus, message });
}

/** Indexed by code. HTTP statuses and default messages are vspd's, byte for byte. */
export const ERROR_TABLE: readonly ErrorInfo[] = Object.freeze([
  info('BadRequest', 400, 'bad request'),
  info('InternalError', 500, 'internal error'),
  info('VspClosed', 400, 'vsp is closed'),
  info('FeeAlreadyReceived', 400, 'fee tx already received for ticket'),
  info('InvalidFeeTx', 400, 'invalid fee tx'),
  info('FeeTooSmall', 400, 'fee too small'),
  info('UnknownTicket', 400, 'unknown ticket'),
  info('TicketCannotVote', 400, 'ticket not eligible to vote'),
  info('FeeExpired', 400, 'fee has expired'),
  info('InvalidVoteChoices', 400, 'invalid vote choices'),
  info('BadSignature', 400, 'bad request signature'),
  info('InvalidPrivKey', 400, 'invalid private key'),
  info('FeeNotReceived', 400, 'no fee tx received for ticket'),
  info('InvalidTicket', 400, 'not a valid ticket tx'),
  info('CannotBroadcastTicket', 500, 'ticket transaction could not be broadcast'),
  info('CannotBroadcastFee', 500, 'fee transaction could not be broadcast'),
  // 428 Precondition Required: the client may retry once the fee's inputs have propagated.
  info(
    'CannotBroadcastFeeUnknownOutputs',
    428,
    'fee transaction could not be broadcast due to unknown outputs',
  ),
  info('InvalidTimestamp', 400, 'old or reused timestamp'),
]);

export function errorInfo(code: ErrorCode): ErrorInfo {
  const i = ERROR_TABLE[code];
  if (i === undefined) throw new RangeError(`code: ${String(code)} is not a VSP error code`);
  return i;
}

/** The wire shape of every error reply. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/**
 * A failure to report to the client with a code from the table. The message is sent as is, so
 * it must never carry internals (paths, RPC text, stack); put those in `cause`, which is only
 * logged.
 */
export class VspError extends Error {
  override readonly name = 'VspError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? errorInfo(code).message, options);
    this.code = code;
  }

  get httpStatus(): number {
    return errorInfo(this.code).httpStatus;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export function isVspError(e: unknown, code?: ErrorCode): e is VspError {
  return e instanceof VspError && (code === undefined || e.code === code);
}
