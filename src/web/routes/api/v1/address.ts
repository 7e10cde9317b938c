// POST address (UserPubKeyAddr): the user's pubkey address becomes the second key of a 1-of-2
// multisig with the pool's key; its P2SH is where the user's tickets vote (src/pool/
// submit-address.ts). Checks and messages in dcrstakepool's order: token (16), already submitted
// (6), validation (3), then anything the pool cannot do right now (14).
import { submitUserAddress } from '../../../../pool/submit-address.ts';
import { ApiCode, apiError, apiSuccess } from './envelope.ts';
import type { PostCommand } from './deps.ts';

const CONTEXT = 'address error';

export const postAddress: PostCommand = async (deps, user, form, log) => {
  if (user === undefined) return apiError(ApiCode.Unauthenticated, CONTEXT, 'invalid api token');
  const r = await submitUserAddress(deps, user, form['UserPubKeyAddr'] ?? '');
  if (r.ok) {
    log.info({ user: user.id, address: r.multisig.address }, 'api address: multisig created');
    return apiSuccess('address successfully imported');
  }
  switch (r.reason) {
    case 'already':
      return apiError(ApiCode.AlreadyExists, CONTEXT, 'address already submitted');
    case 'invalid':
      return apiError(ApiCode.InvalidArgument, CONTEXT, r.error);
    case 'unavailable':
      log.error({ err: r.cause, user: user.id }, 'api address: cannot make or store the multisig');
      return apiError(ApiCode.Unavailable, 'system error', 'unable to process wallet commands');
  }
};
