// POST /api/v3/setaltsignaddr (optional step 0): name another P2PKH address whose signatures the
// VSP accepts for this ticket, for wallets (Trezor) that cannot sign with the commitment key.
// One per ticket, ever; the signed exchange that set it is stored as evidence.
import type { FastifyInstance } from 'fastify';
import { decodeAddress } from '../../../../dcr/address.ts';
import type { Address } from '../../../../dcr/address.ts';
import { ErrorCode, VspError } from '../../../../vsp/errors.ts';
import { unixSeconds } from '../../../context.ts';
import { requireCanVote } from '../../../hooks/chain.ts';
import {
  bindBody,
  clientSignature,
  requestEcho,
  requestText,
  sendSigned,
  signResponse,
} from '../../../vsp-request.ts';
import {
  requestEcho as echoSchema,
  requiredHex,
  responses,
  ticketHash,
  timestamp,
} from './schemas.ts';
import type { V3Deps } from './schemas.ts';

export const setAltSignAddrRequest = {
  type: 'object',
  required: ['timestamp', 'tickethash', 'tickethex', 'parenthex', 'altsignaddress'],
  properties: {
    timestamp,
    tickethash: ticketHash,
    tickethex: requiredHex('The ticket tx, hex.'),
    parenthex: requiredHex("The tx that funds the ticket's input, hex."),
    altsignaddress: { type: 'string', minLength: 1, description: 'A P2PKH address.' },
  },
} as const;

export const setAltSignAddrResponse = {
  type: 'object',
  properties: { timestamp: { type: 'integer' }, request: echoSchema },
} as const;

const ALREADY_SET = 'alternate sign address data already exists';

export function setAltSignAddrRoute(app: FastifyInstance, { ctx, hooks }: V3Deps): void {
  app.route({
    method: 'POST',
    url: '/setaltsignaddr',
    schema: { body: setAltSignAddrRequest, response: responses(setAltSignAddrResponse) },
    attachValidation: true,
    preHandler: [hooks.vspMustBeOpen, hooks.broadcastTicket, hooks.vspAuth],
    handler: async (request, reply) => {
      const body = bindBody<{ tickethash: string; altsignaddress: string }>(request);
      const hash = body.tickethash;
      if ((await ctx.store.getAltSignAddress(hash)) !== undefined) {
        throw new VspError(ErrorCode.BadRequest, ALREADY_SET);
      }
      let addr: Address;
      try {
        addr = decodeAddress(body.altsignaddress, ctx.net, 'altsignaddress');
      } catch (err) {
        const msg = err instanceof Error ? err.message : 'altsignaddress: invalid address';
        // Addresses of other signature schemes decode in dcrd but cannot sign messages.
        if (/not supported/.test(msg)) {
          throw new VspError(ErrorCode.BadRequest, 'wrong type for alternate signing address');
        }
        throw new VspError(ErrorCode.BadRequest, msg);
      }
      if (addr.kind !== 'p2pkh') {
        throw new VspError(ErrorCode.BadRequest, 'wrong type for alternate signing address');
      }
      await requireCanVote(ctx, request, hash);

      const signed = signResponse(reply, ctx.serverKey, {
        timestamp: unixSeconds(ctx.now()),
        request: requestEcho(request),
      });
      const inserted = await ctx.store.insertAltSignAddress({
        ticketHash: hash,
        address: body.altsignaddress,
        request: requestText(request),
        requestSignature: clientSignature(request),
        response: signed.payload,
        responseSignature: signed.signature,
      });
      if (!inserted) throw new VspError(ErrorCode.BadRequest, ALREADY_SET);
      request.log.info({ ticket: hash }, 'alternate signing address set');
      return sendSigned(reply, signed);
    },
  });
}
