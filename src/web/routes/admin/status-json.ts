// GET /admin/status: machine-readable health for monitoring, vspd's shape and semantics. HTTP
// basic auth with any user name and the admin password (failed attempts count against the same
// per-address limit as the login form). 200 when dcrd and every voting wallet are fine, 500
// otherwise, with each one described either way.
import type { FastifyInstance } from 'fastify';
import { allHealthy, healthJson } from '../../../admin/health.ts';
import { basicAuthPassword, checkAdminPassword, clientIp } from '../../plugins/admin-auth.ts';
import type { AdminDeps } from '../../plugins/site.ts';

const walletSchema = {
  type: 'object',
  properties: {
    connected: { type: 'boolean' },
    infoerror: { type: 'boolean' },
    daemonconnected: { type: 'boolean' },
    voteversion: { type: 'integer' },
    unlocked: { type: 'boolean' },
    voting: { type: 'boolean' },
    bestblockerror: { type: 'boolean' },
    bestblockheight: { type: 'integer' },
  },
} as const;

const statusSchema = {
  type: 'object',
  properties: {
    dcrd: {
      type: 'object',
      properties: {
        host: { type: 'string' },
        connected: { type: 'boolean' },
        bestblockerror: { type: 'boolean' },
        bestblockheight: { type: 'integer' },
      },
    },
    wallets: { type: 'object', additionalProperties: walletSchema },
  },
  required: ['dcrd', 'wallets'],
} as const;

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
} as const;

export function statusJsonRoute(app: FastifyInstance, deps: AdminDeps): void {
  const { admin } = deps;
  app.get(
    '/admin/status',
    {
      schema: {
        response: {
          200: statusSchema,
          500: { anyOf: [statusSchema, errorSchema] },
          401: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const ip = clientIp(request, admin.realIpHeader);
      const password = basicAuthPassword(request.headers.authorization);
      const result =
        password === undefined ? 'missing' : await checkAdminPassword(admin, ip, password);
      if (typeof result === 'object') {
        request.log.warn({ ip }, 'admin status refused: too many failed attempts');
        return reply
          .code(429)
          .header('retry-after', String(result.throttled))
          .send({ error: 'too many failed attempts' });
      }
      if (result !== 'ok') {
        if (result === 'wrong') request.log.warn({ ip }, 'admin status: wrong password');
        return reply
          .code(401)
          .header('www-authenticate', 'Basic realm="stakepool admin", charset="UTF-8"')
          .send({ error: 'unauthorized' });
      }
      let report;
      try {
        report = await admin.health.check();
      } catch (err) {
        request.log.error({ err }, 'admin status: health check failed');
        return reply.code(500).send({ error: 'health check failed' });
      }
      return reply.code(allHealthy(report) ? 200 : 500).send(healthJson(report));
    },
  );
}
