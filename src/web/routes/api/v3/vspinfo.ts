// GET /api/v3/vspinfo: the VSP's public description and stats. Wallets poll it, so the signed
// bytes are cached: they change only when the stats refresh or the second ticks over.
import { ErrorCode, VspError } from '../../../../vsp/errors.ts';
import { float32ForJson } from '../../../../vsp/stats.ts';
import { unixSeconds } from '../../../context.ts';
import { sendSigned, signResponse } from '../../../vsp-request.ts';
import type { SignedPayload } from '../../../vsp-request.ts';
import { responses } from './schemas.ts';
import type { V3Deps } from './schemas.ts';
import type { FastifyInstance } from 'fastify';

export const vspInfoResponse = {
  type: 'object',
  properties: {
    apiversions: { type: 'array', items: { type: 'integer' } },
    timestamp: { type: 'integer' },
    pubkey: { type: 'string', description: 'ed25519 public key, base64' },
    feepercentage: { type: 'number' },
    vspclosed: { type: 'boolean' },
    vspclosedmsg: { type: 'string' },
    network: { type: 'string' },
    vspdversion: { type: 'string' },
    voting: { type: 'integer' },
    voted: { type: 'integer' },
    totalvotingwallets: { type: 'integer' },
    votingwalletsonline: { type: 'integer' },
    expired: { type: 'integer' },
    missed: { type: 'integer' },
    blockheight: { type: 'integer' },
    estimatednetworkproportion: { type: 'number' },
  },
} as const;

export function vspInfoRoute(app: FastifyInstance, { ctx }: V3Deps): void {
  let cache: { key: string; signed: SignedPayload } | undefined;

  app.route({
    method: 'GET',
    url: '/vspinfo',
    schema: { response: responses(vspInfoResponse) },
    handler: async (request, reply) => {
      let stats;
      try {
        stats = await ctx.stats.get();
      } catch (err) {
        // vspd answers "Cache is not initialized" as text/plain; here it keeps the API's shape.
        throw new VspError(ErrorCode.InternalError, undefined, { cause: err });
      }
      const now = unixSeconds(ctx.now());
      const key = `${stats.generation}:${now}`;
      if (cache?.key !== key) {
        const { config, net, serverKey } = ctx;
        cache = {
          key,
          signed: signResponse(reply, serverKey, {
            apiversions: [3],
            timestamp: now,
            pubkey: serverKey.publicKeyBase64,
            feepercentage: config.vspFee,
            vspclosed: config.vspClosed,
            vspclosedmsg: config.vspClosedMsg,
            network: net.name,
            vspdversion: config.version,
            voting: stats.voting,
            voted: stats.voted,
            totalvotingwallets: stats.totalVotingWallets,
            votingwalletsonline: stats.votingWalletsOnline,
            expired: stats.expired,
            missed: stats.missed,
            blockheight: stats.blockHeight,
            estimatednetworkproportion: float32ForJson(stats.networkProportion),
          }),
        };
      }
      request.log.trace({ key }, 'vspinfo');
      return sendSigned(reply, cache.signed);
    },
  });
}
