// Schema pieces shared by the /api/v3 routes, and what every route is registered with. Request
// schemas follow vspd's types (github.com/decred/vspd/types/v3) and gin binding tags; response
// schemas fix the field order and make error bodies exactly {code, message}.
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { JsonSchema } from '../../../binding.ts';
import type { ResolvedContext } from '../../../context.ts';

export interface V3Deps {
  ctx: ResolvedContext;
  hooks: {
    vspMustBeOpen: preHandlerAsyncHookHandler;
    broadcastTicket: preHandlerAsyncHookHandler;
    vspAuth: preHandlerAsyncHookHandler;
  };
}

/** gin `required` on an int64: present and not 0. */
export const timestamp: JsonSchema = {
  type: 'integer',
  not: { const: 0 },
  description: 'Client clock, unix seconds.',
};

/** The format (64 lowercase hex) is checked by vspAuth, which reports "invalid ticket hash". */
export const ticketHash: JsonSchema = {
  type: 'string',
  minLength: 1,
  description: 'Ticket hash, display hex.',
};

export const requiredHex = (description: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  description,
});

export const voteChoices: JsonSchema = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Agenda id → choice id; may be {} but not missing or null.',
};

/** Optional policy map: missing and null mean none. */
export const policyMap = (description: string, maxProperties?: number): JsonSchema => ({
  type: ['object', 'null'],
  additionalProperties: { type: 'string' },
  ...(maxProperties === undefined ? {} : { maxProperties }),
  description,
});

export const errorBody = {
  type: 'object',
  required: ['code', 'message'],
  additionalProperties: false,
  properties: { code: { type: 'integer' }, message: { type: 'string' } },
} as const;

/** `request`: the raw request body, base64. */
export const requestEcho = {
  type: 'string',
  description: 'The request body exactly as received, standard base64.',
} as const;

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
export { stringMap };

/** Response schemas for a route whose 200 body is `ok`. */
export function responses(ok: Record<string, unknown>): Record<string, unknown> {
  return { 200: ok, '4xx': errorBody, '5xx': errorBody };
}
