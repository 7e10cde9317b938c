// vspd vspAuth: the request must be signed (VSP-Client-Signature, a Decred signed message over
// the exact body bytes) by the ticket's commitment address or by its alternate signing address.
// The commitment address comes from the store for a known ticket, else from the ticket on chain.
import type { preHandlerAsyncHookHandler } from 'fastify';
import { decodeTx } from '../../dcr/tx.ts';
import type { Tx } from '../../dcr/tx.ts';
import { ErrorCode, VspError } from '../../vsp/errors.ts';
import {
  isTicketHash,
  isVspTicket,
  ticketCommitmentAddress,
  verifyBodySignature,
} from '../../vsp/ticket.ts';
import { compileBinding } from '../binding.ts';
import type { ResolvedContext } from '../context.ts';
import { bindBody, clientSignature, vspState } from '../vsp-request.ts';
import { isNoTxInfo, ticketTx } from './chain.ts';

const hashField = compileBinding({
  type: 'object',
  required: ['tickethash'],
  properties: { tickethash: { type: 'string', minLength: 1 } },
});

export function vspAuth(
  ctx: Pick<ResolvedContext, 'store' | 'dcrd' | 'net'>,
): preHandlerAsyncHookHandler {
  const commitmentFromChain = async (
    request: Parameters<preHandlerAsyncHookHandler>[0],
    hash: string,
  ): Promise<string> => {
    let hex: string;
    try {
      hex = (await ticketTx(ctx.dcrd, request, hash)).hex;
    } catch (err) {
      // vspd answers 1 here; a ticket neither the VSP nor dcrd has heard of is simply unknown.
      if (isNoTxInfo(err)) throw new VspError(ErrorCode.UnknownTicket, undefined, { cause: err });
      throw new VspError(ErrorCode.InternalError, undefined, { cause: err });
    }
    let tx: Tx;
    try {
      tx = decodeTx(hex);
    } catch (err) {
      throw new VspError(ErrorCode.InternalError, undefined, { cause: err });
    }
    if (!isVspTicket(tx)) throw new VspError(ErrorCode.InvalidTicket);
    return ticketCommitmentAddress(tx, ctx.net);
  };

  return async function vspAuth(request) {
    const state = vspState(request);
    const { tickethash: hash } = bindBody<{ tickethash: string }>(request, hashField);
    if (!isTicketHash(hash)) throw new VspError(ErrorCode.BadRequest, 'invalid ticket hash');

    const ticket = await ctx.store.getTicket(hash);
    const commitmentAddress =
      ticket !== undefined ? ticket.commitmentAddress : await commitmentFromChain(request, hash);

    const signature = clientSignature(request);
    if (signature === '') {
      throw new VspError(ErrorCode.BadRequest, 'no VSP-Client-Signature header');
    }
    if (!verifyBodySignature(commitmentAddress, signature, state.raw, ctx.net)) {
      const alt = await ctx.store.getAltSignAddress(hash);
      if (alt === undefined || !verifyBodySignature(alt.address, signature, state.raw, ctx.net)) {
        throw new VspError(ErrorCode.BadSignature);
      }
    }
    state.ticket = ticket;
    state.commitmentAddress = commitmentAddress;
  };
}
