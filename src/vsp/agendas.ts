// Consensus vote agendas per network and vote version, from dcrd chaincfg (Deployments in
// mainnetparams.go, testnetparams.go, simnetparams.go, regnetparams.go at 036b709). vspd
// validates vote choices against the agendas of the newest vote version a network defines.
import type { NetworkName } from '../dcr/params.ts';

export interface AgendaChoice {
  readonly id: string;
  /** The choice's bits within the agenda's mask of a vote's bits. */
  readonly bits: number;
  readonly isAbstain: boolean;
  readonly isNo: boolean;
}

export interface Agenda {
  readonly id: string;
  readonly mask: number;
  readonly choices: readonly AgendaChoice[];
}

/**
 * Every agenda dcrd has defined offers abstain (no bits), no (the mask's low bit) and yes (its
 * high bit), each over a two-bit mask; building them from the mask keeps the table readable.
 */
function agenda(id: string, mask: number): Agenda {
  const low = mask & -mask;
  const high = mask & ~low;
  if (low === 0 || high === 0 || (high & (high - 1)) !== 0 || high !== low << 1) {
    throw new RangeError(`mask: agenda ${id} does not have a two-bit mask`);
  }
  return Object.freeze({
    id,
    mask,
    choices: Object.freeze([
      Object.freeze({ id: 'abstain', bits: 0, isAbstain: true, isNo: false }),
      Object.freeze({ id: 'no', bits: low, isAbstain: false, isNo: true }),
      Object.freeze({ id: 'yes', bits: high, isAbstain: false, isNo: false }),
    ]),
  });
}

type Deployments = Readonly<Record<number, readonly Agenda[]>>;

// Vote versions 4–12 share their later agendas across networks; only the numbering differs.
const V_DCP0001 = [agenda('sdiffalgorithm', 0x0006)];
const V_LNFEATURES = [agenda('lnfeatures', 0x0006)];
const V_FIXLNSEQLOCKS = [agenda('fixlnseqlocks', 0x0006)];
const V_HEADERCOMMITMENTS = [agenda('headercommitments', 0x0006)];
const V_TREASURY = [agenda('treasury', 0x0006)];
const V_DCP0007_TO_0010 = [
  agenda('reverttreasurypolicy', 0x0006),
  agenda('explicitverupgrades', 0x0018),
  agenda('autorevocations', 0x0060),
  agenda('changesubsidysplit', 0x0180),
];
const V_DCP0011_0012 = [agenda('blake3pow', 0x0006), agenda('changesubsidysplitr2', 0x0060)];
const V_DCP0013 = [agenda('maxtreasuryspend', 0x0006)];

const MAINNET: Deployments = {
  4: [...V_DCP0001, agenda('lnsupport', 0x0018)],
  5: V_LNFEATURES,
  6: V_FIXLNSEQLOCKS,
  7: V_HEADERCOMMITMENTS,
  8: V_TREASURY,
  9: V_DCP0007_TO_0010,
  10: V_DCP0011_0012,
  11: V_DCP0013,
};

const TESTNET3: Deployments = {
  5: V_DCP0001,
  6: V_LNFEATURES,
  7: V_FIXLNSEQLOCKS,
  8: V_HEADERCOMMITMENTS,
  9: V_TREASURY,
  10: V_DCP0007_TO_0010,
  11: V_DCP0011_0012,
  12: V_DCP0013,
};

// simnet and regnet define the same agendas under the same versions.
const SIMNET: Deployments = {
  4: [agenda('maxblocksize', 0x0006)],
  5: V_DCP0001,
  6: V_LNFEATURES,
  7: V_FIXLNSEQLOCKS,
  8: V_HEADERCOMMITMENTS,
  9: V_TREASURY,
  10: V_DCP0007_TO_0010,
  11: V_DCP0011_0012,
  12: V_DCP0013,
};

export const DEPLOYMENTS: Readonly<Record<NetworkName, Deployments>> = Object.freeze({
  mainnet: MAINNET,
  testnet3: TESTNET3,
  simnet: SIMNET,
  regnet: SIMNET,
});

/** The newest vote version with agendas (vspd CurrentVoteVersion: the largest Deployments key). */
export function currentVoteVersion(net: NetworkName): number {
  const d = DEPLOYMENTS[net];
  if (d === undefined) throw new RangeError(`net: unknown network ${String(net)}`);
  return Math.max(...Object.keys(d).map(Number));
}

/** Agendas of one vote version; empty for a version without agendas. */
export function agendasFor(net: NetworkName, voteVersion: number): readonly Agenda[] {
  const d = DEPLOYMENTS[net];
  if (d === undefined) throw new RangeError(`net: unknown network ${String(net)}`);
  return Object.hasOwn(d, voteVersion) ? d[voteVersion]! : [];
}

export function currentAgendas(net: NetworkName): readonly Agenda[] {
  return agendasFor(net, currentVoteVersion(net));
}
