// dcrd lookups shared by the v3 middleware and handlers.
import type { FastifyRequest } from 'fastify';
import type { NetParams } from '../../dcr/params.ts';
import { isRpcError, RpcErrorCode } from '../../rpc/errors.ts';
import { ErrorCode, VspError } from '../../vsp/errors.ts';
import type { RawTx, VspDcrd } from '../../vsp/node.ts';
import { ticketCanVote } from '../../vsp/ticket.ts';
import { vspState } from '../vsp-request.ts';

/** dcrd's "no information for transaction": not in the mempool nor (with txindex) the chain. */
export function isNoTxInfo(err: unknown): boolean {
  return isRpcError(err, RpcErrorCode.NoTxInfo);
}

/** The ticket as dcrd knows it, fetched at most once per request. Throws the RPC error. */
export async function ticketTx(
  dcrd: Pick<VspDcrd, 'getRawTransaction'>,
  request: FastifyRequest,
  hash: string,
): Promise<RawTx> {
  const state = vspState(request);
  state.ticketTx ??= await dcrd.getRawTransaction(hash);
  return state.ticketTx;
}

/**
 * vspd's check that the ticket will be able to vote: 1 if dcrd cannot tell, 7 if it cannot
 * vote. Returns the ticket tx for the caller's further use.
 */
export async function requireCanVote(
  ctx: { dcrd: Pick<VspDcrd, 'getRawTransaction' | 'existsLiveTicket'>; net: NetParams },
  request: FastifyRequest,
  hash: string,
): Promise<RawTx> {
  let raw: RawTx;
  let canVote: boolean;
  try {
    raw = await ticketTx(ctx.dcrd, request, hash);
    canVote = await ticketCanVote(raw.confirmations, ctx.net, () =>
      ctx.dcrd.existsLiveTicket(hash),
    );
  } catch (err) {
    throw new VspError(ErrorCode.InternalError, undefined, { cause: err });
  }
  if (!canVote) throw new VspError(ErrorCode.TicketCannotVote);
  return raw;
}
