// Validation of what a wallet asks the VSP's voting wallets to vote: consensus agenda choices,
// tspend policies and treasury-key policies (vspd webapi/helpers.go). Each check returns the
// reason a map is invalid, or undefined when the whole map is valid.
import type { NetworkName } from '../dcr/params.ts';
import { agendasFor, currentVoteVersion } from './agendas.ts';
import type { ChoiceMap } from './store.ts';

/** The policy strings dcrwallet's settspendpolicy and settreasurypolicy accept. */
export const POLICY_OPTIONS: readonly string[] = ['yes', 'no', 'abstain', 'invalid', ''];

/** vspd's binding limit on the tspend and treasury policy maps of one request. */
export const MAX_POLICY_ENTRIES = 3;

/**
 * Every agenda must exist in `voteVersion` (default: the network's newest) and every choice
 * must be one of that agenda's choices. An empty map is valid.
 */
export function voteChoicesError(
  net: NetworkName,
  choices: ChoiceMap,
  voteVersion = currentVoteVersion(net),
): string | undefined {
  const agendas = agendasFor(net, voteVersion);
  for (const [agendaId, choiceId] of Object.entries(choices)) {
    const agenda = agendas.find((a) => a.id === agendaId);
    if (agenda === undefined) {
      return `agenda ${JSON.stringify(agendaId)} not found for vote version ${voteVersion}`;
    }
    if (!agenda.choices.some((c) => c.id === choiceId)) {
      return `choice ${JSON.stringify(choiceId)} not found for agenda ${JSON.stringify(agendaId)}`;
    }
  }
  return undefined;
}

function policyError(policy: string): string | undefined {
  return POLICY_OPTIONS.includes(policy)
    ? undefined
    : `${JSON.stringify(policy)} is not a valid policy option`;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Keys are tspend tx hashes: exactly 64 hex characters. */
export function tspendPolicyError(policy: ChoiceMap): string | undefined {
  for (const [hash, choice] of Object.entries(policy)) {
    if (hash.length !== 64) {
      return `wrong tspend hash length, expected 64 got ${hash.length}`;
    }
    if (!HEX.test(hash)) return `error decoding tspend hash ${JSON.stringify(hash)}`;
    const e = policyError(choice);
    if (e !== undefined) return e;
  }
  return undefined;
}

/** Keys are treasury (Pi) keys: hex of 33 bytes, a compressed secp256k1 public key. */
export function treasuryPolicyError(policy: ChoiceMap): string | undefined {
  for (const [key, choice] of Object.entries(policy)) {
    if (!HEX.test(key)) return `error decoding treasury key ${JSON.stringify(key)}`;
    if (key.length !== 66) return `treasury key ${JSON.stringify(key)} is not 33 bytes`;
    const e = policyError(choice);
    if (e !== undefined) return e;
  }
  return undefined;
}

/** At most {@link MAX_POLICY_ENTRIES} entries (vspd's `max=3` binding on both policy maps). */
export function policySizeError(field: string, policy: ChoiceMap): string | undefined {
  const n = Object.keys(policy).length;
  return n > MAX_POLICY_ENTRIES
    ? `${field}: ${n} entries, at most ${MAX_POLICY_ENTRIES} are allowed`
    : undefined;
}
