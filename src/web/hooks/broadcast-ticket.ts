// vspd broadcastTicket: make sure the VSP's dcrd has the ticket (and its parent) before a ticket
// is registered. Wallets send both as hex because the VSP's dcrd may not have seen them yet; a
// parent spending outputs that are still propagating is retried for a few seconds.
import type { preHandlerAsyncHookHandler } from 'fastify';
import { equalBytes, hashToDisplay } from '../../dcr/bytes.ts';
import { decodeTx, txHash, txid } from '../../dcr/tx.ts';
import type { Tx } from '../../dcr/tx.ts';
import { isRpcError, ORPHAN_TX_MESSAGE, RpcErrorCode } from '../../rpc/errors.ts';
import { ErrorCode, VspError } from '../../vsp/errors.ts';
import { isVspTicket } from '../../vsp/ticket.ts';
import { compileBinding } from '../binding.ts';
import type { ResolvedContext } from '../context.ts';
import { bindBody, vspState } from '../vsp-request.ts';
import { isNoTxInfo } from './chain.ts';

export interface BroadcastOptions {
  /** Parent broadcasts allowed to wait for unknown inputs at once (vspd: 16). */
  maxPending?: number;
  /** Retries of an orphan parent (vspd: 7)… */
  retries?: number;
  /** …one this many ms apart (vspd: 1 s). */
  retryDelayMs?: number;
}

const ticketFields = compileBinding({
  type: 'object',
  required: ['tickethex', 'tickethash', 'parenthex'],
  properties: {
    tickethex: { type: 'string', minLength: 1 },
    tickethash: { type: 'string', minLength: 1 },
    parenthex: { type: 'string', minLength: 1 },
  },
});

function isOrphan(err: unknown): boolean {
  return err instanceof Error && ORPHAN_TX_MESSAGE.test(err.message);
}

/** A duplicate means dcrd already has the tx, which is all a broadcast is for. */
function isDuplicate(err: unknown): boolean {
  return isRpcError(err, RpcErrorCode.DuplicateTx);
}

export function broadcastTicket(
  ctx: Pick<ResolvedContext, 'dcrd' | 'sleep'>,
  options: BroadcastOptions = {},
): preHandlerAsyncHookHandler {
  const maxPending = options.maxPending ?? 16;
  const retries = options.retries ?? 7;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  let pending = 0;

  /** Whether dcrd has the tx; other RPC failures become 1. */
  const known = async (hash: string): Promise<boolean> => {
    try {
      await ctx.dcrd.getRawTransaction(hash);
      return true;
    } catch (err) {
      if (isNoTxInfo(err)) return false;
      throw new VspError(ErrorCode.InternalError, undefined, { cause: err });
    }
  };

  const cannotBroadcast = (cause: unknown): VspError =>
    new VspError(ErrorCode.CannotBroadcastTicket, undefined, { cause });

  const sendParent = async (hex: string): Promise<void> => {
    let last: unknown;
    try {
      await ctx.dcrd.sendRawTransaction(hex);
      return;
    } catch (err) {
      if (isDuplicate(err)) return;
      if (!isOrphan(err)) throw cannotBroadcast(err);
      last = err;
    }
    // A slot limit keeps clients that send orphans on purpose from tying up the server.
    if (pending >= maxPending) throw cannotBroadcast(new Error('too many pending broadcasts'));
    pending++;
    try {
      for (let i = 0; i < retries; i++) {
        await ctx.sleep(retryDelayMs);
        try {
          await ctx.dcrd.sendRawTransaction(hex);
          return;
        } catch (err) {
          if (isDuplicate(err)) return;
          last = err;
        }
      }
    } finally {
      pending--;
    }
    throw cannotBroadcast(last);
  };

  return async function broadcastTicket(request) {
    const body = bindBody<{ tickethex: string; tickethash: string; parenthex: string }>(
      request,
      ticketFields,
    );
    let ticket: Tx;
    try {
      ticket = decodeTx(body.tickethex);
    } catch (err) {
      throw new VspError(ErrorCode.BadRequest, 'cannot decode ticket hex', { cause: err });
    }
    if (!isVspTicket(ticket)) throw new VspError(ErrorCode.InvalidTicket);
    if (txid(ticket) !== body.tickethash) {
      throw new VspError(ErrorCode.BadRequest, 'ticket hex does not match hash');
    }
    let parent: Tx;
    try {
      parent = decodeTx(body.parenthex);
    } catch (err) {
      throw new VspError(ErrorCode.BadRequest, 'cannot decode parent hex', { cause: err });
    }
    const parentHash = txHash(parent);
    if (!(await known(hashToDisplay(parentHash)))) {
      // Only relay a tx that really is the ticket's parent, or this would be an open relay.
      if (!ticket.inputs.some((i) => equalBytes(i.prevHash, parentHash))) {
        throw new VspError(ErrorCode.BadRequest, 'invalid ticket parent');
      }
      request.log.debug({ ticket: body.tickethash }, 'broadcasting ticket parent');
      await sendParent(body.parenthex);
    }
    try {
      vspState(request).ticketTx = await ctx.dcrd.getRawTransaction(body.tickethash);
    } catch (err) {
      if (!isNoTxInfo(err)) throw new VspError(ErrorCode.InternalError, undefined, { cause: err });
      request.log.debug({ ticket: body.tickethash }, 'broadcasting ticket');
      try {
        await ctx.dcrd.sendRawTransaction(body.tickethex);
      } catch (sendErr) {
        if (!isDuplicate(sendErr)) throw cannotBroadcast(sendErr);
      }
    }
  };
}
