// Per-request state of the vspd-compatible API: the exact body bytes (what the client signed and
// what `request` echoes), what the middleware learnt about the ticket, and the signed response.
// Kept in a WeakMap rather than as a fastify decoration so no other route sees these fields.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Binder } from './binding.ts';
import { UnparsableBody } from './binding.ts';
import { ErrorCode, VspError } from '../vsp/errors.ts';
import type { RawTx } from '../vsp/node.ts';
import type { ServerKey } from '../vsp/server-key.ts';
import type { VspTicket } from '../vsp/store.ts';

export interface SignedPayload {
  payload: string;
  signature: string;
}

export interface VspRequestState {
  /** The body exactly as received. */
  raw: Buffer;
  /** JSON.parse of the body, or why it could not be parsed. */
  json: unknown;
  /** Set by vspAuth: the stored ticket, if the VSP knows it. */
  ticket?: VspTicket | undefined;
  /** Set by vspAuth: the address whose signature was accepted. */
  commitmentAddress?: string;
  /** The ticket tx as dcrd reported it during this request (fetched at most once). */
  ticketTx?: RawTx;
  /** The response as serialized and signed by the handler. */
  signed?: SignedPayload;
}

const states = new WeakMap<FastifyRequest, VspRequestState>();

export function vspState(request: FastifyRequest): VspRequestState {
  let s = states.get(request);
  if (s === undefined) {
    s = { raw: Buffer.alloc(0), json: new UnparsableBody('request body is empty') };
    states.set(request, s);
  }
  return s;
}

/** `request` of every success reply: the raw body, base64 (a Go []byte in vspd). */
export function requestEcho(request: FastifyRequest): string {
  return vspState(request).raw.toString('base64');
}

/** The body as text; bodies that reach a handler were checked to be UTF-8. */
export function requestText(request: FastifyRequest): string {
  return vspState(request).raw.toString('utf8');
}

/** The client's signature header ('' when absent). */
export function clientSignature(request: FastifyRequest): string {
  const h = request.headers['vsp-client-signature'];
  return typeof h === 'string' ? h : '';
}

/**
 * Bind the parsed body with `binder` (or report fastify's attached validation of the route's
 * body schema when no binder is given): ErrorCode 0 with the reason. Returns the body.
 */
export function bindBody<T>(request: FastifyRequest, binder?: Binder): T {
  const state = vspState(request);
  const reason =
    binder !== undefined
      ? binder(state.json)
      : state.json instanceof UnparsableBody
        ? state.json.reason
        : request.validationError?.message;
  if (reason !== undefined) throw new VspError(ErrorCode.BadRequest, reason);
  return state.json as T;
}

/**
 * Serialize `body` with the route's 200 schema and sign it. The onSend hook reuses this
 * signature for these exact bytes, so what is stored as the response is what is sent.
 */
export function signResponse(
  reply: FastifyReply,
  serverKey: ServerKey,
  body: Record<string, unknown>,
): SignedPayload {
  const serialized = reply.serialize(body);
  // fastify's JSON serializers always return a string; the type also admits custom ones.
  const payload =
    typeof serialized === 'string' ? serialized : Buffer.from(serialized as ArrayBuffer).toString();
  const signed = { payload, signature: serverKey.sign(payload) };
  vspState(reply.request).signed = signed;
  return signed;
}

/** Send a payload produced by signResponse (or cached from one). */
export function sendSigned(reply: FastifyReply, signed: SignedPayload): FastifyReply {
  vspState(reply.request).signed = signed;
  return reply.type('application/json; charset=utf-8').send(signed.payload);
}
