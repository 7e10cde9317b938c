// The vspd-compatible API under /api/v3: raw bodies, vspd's binding semantics, the closed error
// table, and an ed25519 signature over the exact bytes of every reply, errors included.
import type { FastifyError, FastifyInstance, FastifyPluginCallback } from 'fastify';
import { ErrorCode, isVspError, VspError } from '../../vsp/errors.ts';
import { compileBinding } from '../binding.ts';
import type { JsonSchema } from '../binding.ts';
import type { ResolvedContext } from '../context.ts';
import { broadcastTicket } from '../hooks/broadcast-ticket.ts';
import type { BroadcastOptions } from '../hooks/broadcast-ticket.ts';
import { vspAuth } from '../hooks/vsp-auth.ts';
import { vspMustBeOpen } from '../hooks/vsp-must-be-open.ts';
import { feeAddressRoute } from '../routes/api/v3/feeaddress.ts';
import { payFeeRoute } from '../routes/api/v3/payfee.ts';
import type { V3Deps } from '../routes/api/v3/schemas.ts';
import { setAltSignAddrRoute } from '../routes/api/v3/setaltsignaddr.ts';
import { setVoteChoicesRoute } from '../routes/api/v3/setvotechoices.ts';
import { ticketStatusRoute } from '../routes/api/v3/ticketstatus.ts';
import { vspInfoRoute } from '../routes/api/v3/vspinfo.ts';
import { vspState } from '../vsp-request.ts';
import { BodyTooLargeError, rawBody } from './raw-body.ts';

export interface VspApiOptions {
  broadcast?: BroadcastOptions;
}

function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | VspError, request, reply) => {
    let e: VspError;
    if (isVspError(err)) {
      e = err;
    } else if (
      typeof err.statusCode === 'number' &&
      err.statusCode >= 400 &&
      err.statusCode < 500
    ) {
      // A refusal by fastify itself (for example a Content-Length that does not match the body):
      // the client's fault, but fastify's wording, so only the code's default message is sent.
      e = new VspError(ErrorCode.BadRequest, undefined, { cause: err });
    } else {
      e = new VspError(ErrorCode.InternalError, undefined, { cause: err });
    }
    const fields = { code: e.code, url: request.url, err: e.cause ?? undefined };
    if (e.httpStatus >= 500) request.log.error(fields, e.message);
    else request.log.warn(fields, e.message);
    if (e instanceof BodyTooLargeError) reply.header('connection', 'close');
    void reply.code(e.httpStatus).send(e.toBody());
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ code: ErrorCode.BadRequest, message: 'not found' });
  });
}

/** Sign every payload this scope sends, reusing the handler's signature for the same bytes. */
function installSigning(app: FastifyInstance, ctx: ResolvedContext): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const signed = vspState(request).signed;
    const signature =
      signed !== undefined && signed.payload === payload
        ? signed.signature
        : ctx.serverKey.sign(payload);
    reply.header('VSP-Server-Signature', signature);
    return payload;
  });
}

export function vspApi(ctx: ResolvedContext, options: VspApiOptions = {}): FastifyPluginCallback {
  return (app, _opts, done) => {
    rawBody(app);
    // Route body schemas are checked with vspd's binding rules; the result is attached to the
    // request (attachValidation) and reported by the handler at vspd's point in the chain.
    app.setValidatorCompiler(({ schema }) => {
      const bind = compileBinding(schema as JsonSchema);
      return (data: unknown) => {
        const reason = bind(data);
        return reason === undefined ? true : { error: new Error(reason) };
      };
    });
    installErrorHandling(app);
    installSigning(app, ctx);

    const deps: V3Deps = {
      ctx,
      hooks: {
        vspMustBeOpen: vspMustBeOpen(ctx),
        // One instance for both routes that broadcast, so they share the pending-broadcast cap.
        broadcastTicket: broadcastTicket(ctx, options.broadcast),
        vspAuth: vspAuth(ctx),
      },
    };
    vspInfoRoute(app, deps);
    setAltSignAddrRoute(app, deps);
    feeAddressRoute(app, deps);
    ticketStatusRoute(app, deps);
    payFeeRoute(app, deps);
    setVoteChoicesRoute(app, deps);
    done();
  };
}
