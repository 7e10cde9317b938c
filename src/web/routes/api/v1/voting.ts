// POST voting (VoteBits, decimal): the user's vote bits for the pool's current vote version,
// checked against that version's agendas. dcrstakepool truncated the number to 16 bits (65537
// became 1); here anything outside 0..65535 is refused with the conversion message instead.
import { setPoolUserVoteBits } from '../../../../db/pool-users.ts';
import { isValidVoteBits } from '../../../../pool/vote-bits.ts';
import { agendasFor } from '../../../../vsp/agendas.ts';
import { ApiCode, apiError, apiSuccess } from './envelope.ts';
import type { PostCommand } from './deps.ts';

const CONTEXT = 'voting error';

/** Go's strconv.Atoi syntax (optional sign, decimal digits), then the uint16 range. */
export function parseVoteBits(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?[0-9]{1,20}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 0xffff ? n : undefined;
}

export const postVoting: PostCommand = async (deps, user, form, log) => {
  if (user === undefined) return apiError(ApiCode.Unauthenticated, CONTEXT, 'invalid api token');
  const bits = parseVoteBits(form['VoteBits']);
  if (bits === undefined) {
    return apiError(ApiCode.InvalidArgument, CONTEXT, 'unable to convert votebits to uint16');
  }
  if (!isValidVoteBits(bits, agendasFor(deps.net.name, deps.voteVersion))) {
    return apiError(ApiCode.InvalidArgument, CONTEXT, 'votebits invalid for current agendas');
  }
  try {
    await setPoolUserVoteBits(deps.db, user.id, bits, deps.voteVersion);
  } catch (err) {
    log.error({ err, user: user.id }, 'api voting: cannot store vote bits');
    return apiError(ApiCode.Internal, CONTEXT, 'failed to update voting prefs in database');
  }
  log.info({ user: user.id, from: user.voteBits, to: bits }, 'api voting: vote bits updated');
  return apiSuccess('successfully updated voting preferences');
};
