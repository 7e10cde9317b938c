// POST /api/v3/payfee (registration step 2): the fee tx, the voting key and the vote choices.
// Checks run in vspd's order; invalid choice maps are dropped, never a reason to refuse the fee.
// The fee is broadcast here only once the ticket has 6 confirmations (the chain follower does
// it otherwise), and only after the ticket row is committed.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addressStakeScript, p2pkhAddress } from '../../../../dcr/address.ts';
import { equalBytes } from '../../../../dcr/bytes.ts';
import { decodeTx, txid } from '../../../../dcr/tx.ts';
import type { Tx } from '../../../../dcr/tx.ts';
import { decodeWif, encodeWif } from '../../../../dcr/wif.ts';
import { isRpcError, ORPHAN_TX_MESSAGE, RpcErrorCode } from '../../../../rpc/errors.ts';
import { ErrorCode, VspError } from '../../../../vsp/errors.ts';
import { feePaidTo, txSanityError } from '../../../../vsp/fee-tx.ts';
import type { ChoiceMap, VspTicket } from '../../../../vsp/store.ts';
import {
  policySizeError,
  treasuryPolicyError,
  tspendPolicyError,
  voteChoicesError,
} from '../../../../vsp/vote-choices.ts';
import { unixSeconds } from '../../../context.ts';
import { requireCanVote } from '../../../hooks/chain.ts';
import {
  bindBody,
  clientSignature,
  requestEcho,
  requestText,
  sendSigned,
  signResponse,
  vspState,
} from '../../../vsp-request.ts';
import { feeReceived } from './feeaddress.ts';
import {
  requestEcho as echoSchema,
  policyMap,
  requiredHex,
  responses,
  ticketHash,
  timestamp,
  voteChoices,
} from './schemas.ts';
import type { V3Deps } from './schemas.ts';

export const payFeeRequest = {
  type: 'object',
  required: ['timestamp', 'tickethash', 'feetx', 'votingkey', 'votechoices'],
  properties: {
    timestamp,
    tickethash: ticketHash,
    feetx: requiredHex('The signed fee tx, hex.'),
    votingkey: requiredHex("WIF of the ticket's voting key."),
    votechoices: voteChoices,
    // No size limit here: an oversized map is dropped like an invalid one (see below).
    tspendpolicy: policyMap('tspend hash → policy; optional'),
    treasurypolicy: policyMap('treasury key → policy; optional'),
  },
} as const;

export const payFeeResponse = {
  type: 'object',
  properties: { timestamp: { type: 'integer' }, request: echoSchema },
} as const;

interface PayFeeBody {
  timestamp: number;
  tickethash: string;
  feetx: string;
  votingkey: string;
  votechoices: ChoiceMap;
  tspendpolicy?: ChoiceMap | null;
  treasurypolicy?: ChoiceMap | null;
}

/**
 * The three maps to store: each one whole if valid, else nothing (and a warning), as vspd
 * does since invalid choices blocked registrations (vspd#197). vspd refuses the whole request
 * when a policy map has more than 3 entries; here that too only drops the map, because
 * dcrwallet sends all of its policies and a wallet with four could never register a ticket.
 */
function acceptedChoices(
  ctx: V3Deps['ctx'],
  request: FastifyRequest,
  body: PayFeeBody,
): Partial<Pick<VspTicket, 'voteChoices' | 'tspendPolicy' | 'treasuryPolicy'>> {
  const out: Partial<Pick<VspTicket, 'voteChoices' | 'tspendPolicy' | 'treasuryPolicy'>> = {};
  const tspend = body.tspendpolicy ?? {};
  const treasury = body.treasurypolicy ?? {};
  const checks = [
    ['voteChoices', body.votechoices, voteChoicesError(ctx.net.name, body.votechoices)],
    [
      'treasuryPolicy',
      treasury,
      policySizeError('treasurypolicy', treasury) ?? treasuryPolicyError(treasury),
    ],
    ['tspendPolicy', tspend, policySizeError('tspendpolicy', tspend) ?? tspendPolicyError(tspend)],
  ] as const;
  for (const [field, map, error] of checks) {
    if (error === undefined) {
      out[field] = { ...map };
    } else {
      request.log.warn(
        { ticket: body.tickethash, field, reason: error },
        'dropping invalid choices',
      );
    }
  }
  return out;
}

export function payFeeRoute(app: FastifyInstance, { ctx, hooks }: V3Deps): void {
  app.route({
    method: 'POST',
    url: '/payfee',
    schema: { body: payFeeRequest, response: responses(payFeeResponse) },
    attachValidation: true,
    preHandler: [hooks.vspMustBeOpen, hooks.vspAuth],
    handler: async (request, reply) => {
      const { ticket } = vspState(request);
      if (ticket === undefined) throw new VspError(ErrorCode.UnknownTicket);
      const body = bindBody<PayFeeBody>(request);
      if (feeReceived(ticket)) throw new VspError(ErrorCode.FeeAlreadyReceived);
      const raw = await requireCanVote(ctx, request, ticket.hash);
      if (ctx.now() > ticket.feeExpiration * 1000) throw new VspError(ErrorCode.FeeExpired);

      let votingKey: { privateKey: Uint8Array; publicKey: Uint8Array };
      try {
        votingKey = decodeWif(body.votingkey, ctx.net, 'votingkey');
      } catch (err) {
        throw new VspError(ErrorCode.InvalidPrivKey, undefined, { cause: err });
      }

      const choices = acceptedChoices(ctx, request, body);

      let feeTx: Tx;
      try {
        feeTx = decodeTx(body.feetx);
      } catch (err) {
        throw new VspError(ErrorCode.InvalidFeeTx, undefined, { cause: err });
      }
      const insane = txSanityError(feeTx, ctx.net);
      if (insane !== undefined) {
        throw new VspError(ErrorCode.InvalidFeeTx, undefined, { cause: new Error(insane) });
      }
      const paid = feePaidTo(feeTx, ticket.feeAddress, ctx.net);
      if (paid === 0n) {
        throw new VspError(
          ErrorCode.InvalidFeeTx,
          `feetx did not include any payments for fee address ${ticket.feeAddress}`,
        );
      }
      if (paid < ticket.feeAmount) {
        throw new VspError(ErrorCode.FeeTooSmall, undefined, {
          cause: new Error(`paid ${paid} atoms, expected at least ${ticket.feeAmount}`),
        });
      }

      const ticketTx = decodeTx(raw.hex);
      const votingScript = addressStakeScript(p2pkhAddress(votingKey.publicKey, ctx.net), 'ticket');
      const out0 = ticketTx.outputs[0];
      if (out0 === undefined || out0.version !== 0 || !equalBytes(out0.pkScript, votingScript)) {
        throw new VspError(
          ErrorCode.InvalidPrivKey,
          'voting address does not match provided private key',
        );
      }

      const feeTxHash = txid(feeTx);
      const stored = await ctx.store.updateTicket(
        ticket.hash,
        {
          votingWif: encodeWif(votingKey.privateKey, ctx.net),
          feeTxHex: body.feetx,
          feeTxHash,
          feeTxStatus: 'received',
          ...choices,
        },
        // Only from none or error: a concurrent payfee that got here first wins.
        ['none', 'error'],
      );
      if (!stored) throw new VspError(ErrorCode.FeeAlreadyReceived);
      request.log.info(
        { ticket: ticket.hash, fee: String(paid), feeTx: feeTxHash },
        'fee tx received',
      );

      if (ticket.confirmed) await broadcastFee(ctx, request, ticket.hash, body.feetx);

      const signed = signResponse(reply, ctx.serverKey, {
        timestamp: unixSeconds(ctx.now()),
        request: requestEcho(request),
      });
      try {
        await ctx.store.appendVoteChange(
          ticket.hash,
          {
            request: requestText(request),
            requestSignature: clientSignature(request),
            response: signed.payload,
            responseSignature: signed.signature,
          },
          ctx.maxVoteChangeRecords,
        );
      } catch (err) {
        // The fee is accepted either way; losing the record only loses evidence, as in vspd.
        request.log.error({ err, ticket: ticket.hash }, 'storing vote change record failed');
      }
      return sendSigned(reply, signed);
    },
  });
}

/** Broadcast a received fee for a confirmed ticket; failures mark it `error` for the client. */
async function broadcastFee(
  ctx: V3Deps['ctx'],
  request: FastifyRequest,
  hash: string,
  feeTxHex: string,
): Promise<void> {
  try {
    await ctx.dcrd.sendRawTransaction(feeTxHex);
  } catch (err) {
    // Already in the mempool or chain is what broadcasting was for (vspd reports an error).
    if (!isRpcError(err, RpcErrorCode.DuplicateTx)) {
      await ctx.store
        .updateTicket(hash, { feeTxStatus: 'error' }, ['received'])
        .catch((e: unknown) =>
          request.log.error({ err: e, ticket: hash }, 'marking fee error failed'),
        );
      const orphan = err instanceof Error && ORPHAN_TX_MESSAGE.test(err.message);
      throw new VspError(
        orphan ? ErrorCode.CannotBroadcastFeeUnknownOutputs : ErrorCode.CannotBroadcastFee,
        undefined,
        { cause: err },
      );
    }
  }
  await ctx.store.updateTicket(hash, { feeTxStatus: 'broadcast' }, ['received']);
  request.log.info({ ticket: hash }, 'fee tx broadcast');
}
