// The legacy pool API, dcrstakepool's /api/v1 and /api/v2 (the same handlers under both):
// form-encoded requests, `Authorization: Bearer <JWT>`, the {status, code, message, data}
// envelope with gRPC codes, HTTP 200 for every handled outcome. Registered with the prefix /api,
// so any other /api path (but /api/v3, the VSP API's own scope) gets dcrstakepool's 404 too.
//
// One deliberate difference besides revocable tokens: dcrstakepool answered a known command with
// a method other than GET or POST (PUT, HEAD, …) with "success", code 0, and no data; here every
// method a command does not take gets the 404 "invalid API command or version".
import type { FastifyError, FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { authenticate } from '../routes/api/v1/auth.ts';
import { postAddress } from '../routes/api/v1/address.ts';
import type { PoolApiDeps, PostCommand, ResolvedPoolApiDeps } from '../routes/api/v1/deps.ts';
import { ApiCode, INVALID_COMMAND, sendApi } from '../routes/api/v1/envelope.ts';
import type { ApiResponse } from '../routes/api/v1/envelope.ts';
import { getPurchaseInfo } from '../routes/api/v1/getpurchaseinfo.ts';
import { getStats } from '../routes/api/v1/stats.ts';
import { postVoting } from '../routes/api/v1/voting.ts';
import { currentVoteVersion } from '../../vsp/agendas.ts';
import { MAX_FORM_BYTES, parseForm } from './forms.ts';
import type { FormFields } from './forms.ts';

export const POOL_API_VERSIONS = ['v1', 'v2'] as const;

/** The commands that take a form by POST. */
const POST_COMMANDS: Readonly<Record<string, PostCommand>> = {
  address: postAddress,
  voting: postVoting,
};

const envelopeSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['success', 'error'] },
    code: { type: 'integer' },
    message: { type: 'string' },
    data: { type: ['object', 'null'] },
  },
  required: ['status', 'code', 'message'],
} as const;

// The handlers send pre-encoded JSON (Go's escaping and trailing newline), so fastify does not
// serialize with these; they document the shape.
const routeOptions = {
  // GET routes would otherwise answer HEAD too; HEAD is not a method of any command.
  exposeHeadRoute: false,
  schema: { response: { 200: envelopeSchema, 404: envelopeSchema } },
} as const;

/**
 * Go's r.FormValue: the form body (urlencoded, any content type otherwise reads as empty) takes
 * precedence over the URL query.
 */
function formOf(request: FastifyRequest): FormFields {
  const q = request.url.indexOf('?');
  const fields = q < 0 ? parseForm('') : parseForm(request.url.slice(q + 1));
  const body = request.body;
  if (body !== null && typeof body === 'object') Object.assign(fields, body as FormFields);
  return fields;
}

function installParsers(app: FastifyInstance): void {
  // No JSON or other parser of fastify's: an unexpected content type must not become a 400/415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: MAX_FORM_BYTES },
    (_request, body, done) => done(null, parseForm(body as string)),
  );
  // Any other body is read (bounded) and ignored, as Go's FormValue ignores it.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_FORM_BYTES }, (_r, _b, done) =>
    done(null, parseForm('')),
  );
}

function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((_request, reply) => sendApi(reply, INVALID_COMMAND, 404));
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status =
      typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500
        ? err.statusCode
        : 500;
    if (status >= 500) {
      request.log.error({ err, url: request.url }, 'api request failed');
      const r: ApiResponse = { status: 'error', code: ApiCode.Internal, message: 'internal error' };
      return sendApi(reply, r, 500);
    }
    // A refusal by fastify itself (body too large, bad Content-Length): the client's fault.
    request.log.warn({ err: err.message, url: request.url }, 'bad api request');
    const r: ApiResponse = {
      status: 'error',
      code: ApiCode.InvalidArgument,
      message: 'invalid request',
    };
    return sendApi(reply, r, status);
  });
}

function resolve(deps: PoolApiDeps): ResolvedPoolApiDeps {
  return {
    ...deps,
    now: deps.now ?? Date.now,
    voteVersion: deps.voteVersion ?? currentVoteVersion(deps.net.name),
  };
}

/** Register with `{ prefix: '/api' }`. */
export function poolApi(options: PoolApiDeps): FastifyPluginCallback {
  const deps = resolve(options);
  return (app, _opts, done) => {
    installParsers(app);
    installErrorHandling(app);
    for (const v of POOL_API_VERSIONS) {
      app.get(`/${v}/getpurchaseinfo`, routeOptions, async (request, reply) =>
        sendApi(reply, getPurchaseInfo(deps, await authenticate(request, deps))),
      );
      app.get(`/${v}/stats`, routeOptions, async (request, reply) =>
        sendApi(reply, await getStats(deps, request.log)),
      );
      for (const [name, command] of Object.entries(POST_COMMANDS)) {
        app.post(`/${v}/${name}`, routeOptions, async (request, reply) => {
          const user = await authenticate(request, deps);
          return sendApi(reply, await command(deps, user, formOf(request), request.log));
        });
      }
    }
    done();
  };
}
