// The legacy API's one response shape (dcrstakepool system.APIResponse): {status, code, message,
// data}, `code` a gRPC status number, `message` "<context> - <reason>" on errors. Handled errors
// are answered with HTTP 200 like everything else; only an unknown command or method gets 404.
import type { FastifyReply } from 'fastify';

/** The gRPC codes the legacy API uses (google.golang.org/grpc/codes numbering). */
export const ApiCode = {
  OK: 0,
  InvalidArgument: 3,
  AlreadyExists: 6,
  FailedPrecondition: 9,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;
export type ApiCode = (typeof ApiCode)[keyof typeof ApiCode];

export interface ApiResponse {
  status: 'success' | 'error';
  code: ApiCode;
  message: string;
  /**
   * Absent (not even null) for address and voting, which never return data; null on a
   * getpurchaseinfo or stats error, where dcrstakepool encoded a typed nil pointer.
   */
  data?: object | null;
}

export function apiSuccess(message: string, data?: object): ApiResponse {
  return data === undefined
    ? { status: 'success', code: ApiCode.OK, message }
    : { status: 'success', code: ApiCode.OK, message, data };
}

/**
 * An error answer. `withNullData` for the commands whose successful answer carries data, so a
 * client sees the same keys as from dcrstakepool.
 */
export function apiError(
  code: Exclude<ApiCode, 0>,
  context: string,
  reason: string,
  withNullData = false,
): ApiResponse {
  const message = `${context} - ${reason}`;
  return withNullData
    ? { status: 'error', code, message, data: null }
    : { status: 'error', code, message };
}

/** dcrstakepool's APIInvalidHandler body, sent with 404. */
export const INVALID_COMMAND: ApiResponse = Object.freeze({
  status: 'error',
  code: ApiCode.InvalidArgument,
  message: 'invalid API command or version',
});

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * The bytes Go's json.Encoder wrote: HTML-sensitive characters escaped inside strings (they only
 * occur there in JSON text) and a trailing newline, so a client comparing bodies sees no change.
 */
export function encodeApiResponse(r: ApiResponse): string {
  return JSON.stringify(r).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c) + '\n';
}

export function sendApi(reply: FastifyReply, r: ApiResponse, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(encodeApiResponse(r));
}
