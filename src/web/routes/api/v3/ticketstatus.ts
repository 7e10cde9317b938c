// POST /api/v3/ticketstatus: what the VSP holds for a ticket. Signed like every request but
// carries no timestamp, and works while the VSP is closed.
import type { FastifyInstance } from 'fastify';
import { ErrorCode, VspError } from '../../../../vsp/errors.ts';
import { unixSeconds } from '../../../context.ts';
import { bindBody, requestEcho, sendSigned, signResponse, vspState } from '../../../vsp-request.ts';
import { requestEcho as echoSchema, responses, stringMap, ticketHash } from './schemas.ts';
import type { V3Deps } from './schemas.ts';

export const ticketStatusRequest = {
  type: 'object',
  required: ['tickethash'],
  properties: { tickethash: ticketHash },
} as const;

export const ticketStatusResponse = {
  type: 'object',
  properties: {
    timestamp: { type: 'integer' },
    ticketconfirmed: { type: 'boolean' },
    feetxstatus: { type: 'string', enum: ['none', 'received', 'broadcast', 'confirmed', 'error'] },
    feetxhash: { type: 'string' },
    altsignaddress: { type: 'string' },
    votechoices: stringMap,
    tspendpolicy: stringMap,
    treasurypolicy: stringMap,
    request: echoSchema,
  },
} as const;

export function ticketStatusRoute(app: FastifyInstance, { ctx, hooks }: V3Deps): void {
  app.route({
    method: 'POST',
    url: '/ticketstatus',
    schema: { body: ticketStatusRequest, response: responses(ticketStatusResponse) },
    attachValidation: true,
    preHandler: [hooks.vspAuth],
    handler: async (request, reply) => {
      const { ticket } = vspState(request);
      if (ticket === undefined) throw new VspError(ErrorCode.UnknownTicket);
      bindBody(request);
      const alt = await ctx.store.getAltSignAddress(ticket.hash);
      return sendSigned(
        reply,
        signResponse(reply, ctx.serverKey, {
          timestamp: unixSeconds(ctx.now()),
          ticketconfirmed: ticket.confirmed,
          feetxstatus: ticket.feeTxStatus,
          feetxhash: ticket.feeTxHash,
          altsignaddress: alt?.address ?? '',
          votechoices: ticket.voteChoices,
          tspendpolicy: ticket.tspendPolicy,
          treasurypolicy: ticket.treasuryPolicy,
          request: requestEcho(request),
        }),
      );
    },
  });
}
