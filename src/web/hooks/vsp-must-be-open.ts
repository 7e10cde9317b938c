// vspd vspMustBeOpen: while the operator has closed the VSP, registration endpoints answer 2
// before looking at the request at all.
import type { preHandlerAsyncHookHandler } from 'fastify';
import { ErrorCode, VspError } from '../../vsp/errors.ts';
import type { ResolvedContext } from '../context.ts';

export function vspMustBeOpen(ctx: Pick<ResolvedContext, 'config'>): preHandlerAsyncHookHandler {
  return function vspMustBeOpen() {
    return ctx.config.vspClosed
      ? Promise.reject(new VspError(ErrorCode.VspClosed))
      : Promise.resolve();
  };
}
