// Per-user vote bits of the legacy pool (dcrstakepool /voting and API `voting`): bit 0 says the
// previous block is valid, and each agenda's mask holds the bits of one of its choices.
import type { Agenda, AgendaChoice } from '../vsp/agendas.ts';

/** Bit 0 alone: previous block valid, every agenda abstains. The pool default. */
export const DEFAULT_VOTE_BITS = 1;

/**
 * dcrstakepool's IsValidVoteBits: 1 is always valid; otherwise bit 0 must be set, each agenda's
 * masked bits must equal one of its choices, and no bit may lie outside the choices' bits.
 * Anything that is not a 16-bit integer is invalid.
 */
export function isValidVoteBits(bits: number, agendas: readonly Agenda[]): boolean {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffff) return false;
  if (bits === DEFAULT_VOTE_BITS) return true;
  if ((bits & 1) === 0) return false;
  let used = 1;
  for (const agenda of agendas) {
    const masked = bits & agenda.mask;
    let matched = false;
    for (const choice of agenda.choices) {
      used |= choice.bits;
      if (choice.bits === masked) matched = true;
    }
    if (!matched) return false;
  }
  return (bits & ~used) === 0;
}

/**
 * Vote bits from one choice id per agenda id (the /voting form): 1 | each choice's bits. An
 * agenda left out abstains. RangeError naming the agenda for an unknown agenda or choice.
 */
export function voteBitsFromChoices(
  agendas: readonly Agenda[],
  choiceIdByAgendaId: Readonly<Record<string, string>>,
): number {
  if (typeof choiceIdByAgendaId !== 'object' || choiceIdByAgendaId === null) {
    throw new TypeError('choices: expected an object of agenda id → choice id');
  }
  let bits = DEFAULT_VOTE_BITS;
  for (const [agendaId, choiceId] of Object.entries(choiceIdByAgendaId)) {
    const agenda = agendas.find((a) => a.id === agendaId);
    if (agenda === undefined) {
      throw new RangeError(`choices: unknown agenda ${JSON.stringify(agendaId)}`);
    }
    const choice = agenda.choices.find((c) => c.id === choiceId);
    if (choice === undefined) {
      throw new RangeError(
        `choices.${agendaId}: unknown choice ${JSON.stringify(choiceId)} for agenda ${JSON.stringify(agendaId)}`,
      );
    }
    bits |= choice.bits;
  }
  return bits;
}

/**
 * The choice `bits` makes for `agenda` (what the /voting form preselects). Bits that match none
 * of its choices read as abstain: such bits are invalid and get reset to the default anyway.
 */
export function choiceOf(bits: number, agenda: Agenda): AgendaChoice {
  const masked = bits & agenda.mask;
  const choice =
    agenda.choices.find((c) => c.bits === masked) ?? agenda.choices.find((c) => c.isAbstain);
  if (choice === undefined) {
    throw new RangeError(`agenda: ${agenda.id} has no choice for bits ${bits} and no abstain`);
  }
  return choice;
}
