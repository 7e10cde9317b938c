// The VSP's voting wallets (vspd's model, shared/reference/vspd.md §4): every dcrwallet holds every
// votable ticket and they race to vote it. A ticket reaches a wallet as its voting key (importprivkey,
// no rescan) plus the ticket tx itself (addtransaction), then its per-ticket agenda choices and
// treasury/tspend policies. A wallet that is down is skipped here; the consistency check
// (consistency.ts) catches it up when it is back.
import type { TicketInfo, WalletClient } from '../rpc/wallet.ts';
import type { VotingWallets } from '../vsp/node.ts';
import type { ChoiceMap } from '../vsp/store.ts';
import type { JobLog } from '../chain/log.ts';
import { SILENT_LOG } from '../chain/log.ts';

/** What the VSP asks of one voting dcrwallet (src/rpc WalletClient fits, see votingWalletOf). */
export interface VotingWalletRpc {
  importPrivKey(wif: string, label: string, rescan: boolean, scanFrom?: number): Promise<unknown>;
  addTransaction(blockHash: string, txHex: string): Promise<unknown>;
  setVoteChoice(agendaId: string, choiceId: string, ticketHash: string): Promise<unknown>;
  setTSpendPolicy(tspendHash: string, policy: string, ticketHash: string): Promise<unknown>;
  setTreasuryPolicy(key: string, policy: string, ticketHash: string): Promise<unknown>;
  /** Tickets the wallet knows that were bought at or after startHeight. */
  ticketInfo(startHeight: number): Promise<WalletTicket[]>;
  /** Blocks until the rescan is done. */
  rescanWallet(beginHeight: number): Promise<unknown>;
  /** The wallet's per-ticket tspend policy ('yes' | 'no' | 'abstain'); optional. */
  tspendPolicy?(tspendHash: string, ticketHash: string): Promise<string>;
  /** The wallet's per-ticket treasury-key policy ('yes' | 'no' | 'abstain'); optional. */
  treasuryPolicy?(key: string, ticketHash: string): Promise<string>;
}

export type WalletTicket = Pick<TicketInfo, 'hash'> & Partial<Pick<TicketInfo, 'choices'>>;

export interface ManagedVotingWallet {
  /** For logs, e.g. "wallet 10.0.0.2:9110". */
  readonly name: string;
  readonly client: VotingWalletRpc;
  /** Connected and past the version/network checks right now. */
  isReady(): boolean;
}

/** The ticket fields a wallet needs (a src/db Ticket or a src/vsp VspTicket fits). */
export interface TicketForWallets {
  hash: string;
  votingWif: string;
  voteChoices: ChoiceMap;
  tspendPolicy: ChoiceMap;
  treasuryPolicy: ChoiceMap;
}

/** The mined ticket tx, from dcrd's getrawtransaction. */
export interface MinedTicket {
  blockHash: string;
  hex: string;
}

export interface AddTicketResult {
  /** Wallets that now hold the ticket (import and addtransaction succeeded). */
  added: string[];
  /** Wallets that were online but refused or failed the import or addtransaction. */
  failed: { wallet: string; error: unknown }[];
  /** Wallets that were down and were not tried. */
  skipped: string[];
  /** Agendas a wallet does not know ("no agenda with ID"): to drop from the stored choices. */
  invalidAgendas: string[];
}

export interface SettingsResult {
  invalidAgendas: string[];
  /** Calls that failed for another reason (logged). */
  errors: number;
}

const NO_AGENDA = /no agenda with ID/i;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class VspVotingWallets implements VotingWallets {
  readonly wallets: readonly ManagedVotingWallet[];
  private readonly log: JobLog;

  constructor(wallets: readonly ManagedVotingWallet[], options: { log?: JobLog } = {}) {
    this.wallets = [...wallets];
    this.log = options.log ?? SILENT_LOG;
  }

  get total(): number {
    return this.wallets.length;
  }

  /** The wallets usable right now. */
  online(): ManagedVotingWallet[] {
    return this.wallets.filter((w) => w.isReady());
  }

  /** src/vsp's VotingWallets, for /vspinfo and /setvotechoices. */
  connected(): Promise<{ online: readonly ManagedVotingWallet[]; total: number }> {
    return Promise.resolve({ online: this.online(), total: this.total });
  }

  /**
   * Add a ticket whose fee is confirmed to every wallet that is up, in parallel (one slow wallet
   * does not hold the others back). Never throws: failures are reported and logged.
   */
  async addTicketToWallets(ticket: TicketForWallets, mined: MinedTicket): Promise<AddTicketResult> {
    const result: AddTicketResult = { added: [], failed: [], skipped: [], invalidAgendas: [] };
    const online = this.online();
    result.skipped = this.wallets.filter((w) => !online.includes(w)).map((w) => w.name);
    if (result.skipped.length > 0) {
      this.log.warn(
        { ticket: ticket.hash, wallets: result.skipped },
        'voting wallets down: the consistency check will add the ticket later',
      );
    }
    const invalid = new Set<string>();
    await Promise.all(
      online.map(async (w) => {
        try {
          const r = await this.addTicketToWallet(w, ticket, mined);
          result.added.push(w.name);
          for (const a of r.invalidAgendas) invalid.add(a);
        } catch (error) {
          result.failed.push({ wallet: w.name, error });
          this.log.error(
            { ticket: ticket.hash, wallet: w.name, err: errorText(error) },
            'adding the ticket to a voting wallet failed',
          );
        }
      }),
    );
    result.invalidAgendas = [...invalid];
    this.log.info(
      { ticket: ticket.hash, added: result.added.length, of: this.total },
      'ticket added to voting wallets',
    );
    return result;
  }

  /**
   * importprivkey (label "imported", no rescan, as vspd) and addtransaction on one wallet, then
   * the ticket's choices and policies. Throws if the import or the addtransaction fails; failures
   * of the settings are logged and counted, as vspd does.
   */
  async addTicketToWallet(
    wallet: ManagedVotingWallet,
    ticket: TicketForWallets,
    mined: MinedTicket,
  ): Promise<SettingsResult> {
    if (ticket.votingWif === '') throw new TypeError(`votingWif: ticket ${ticket.hash} has none`);
    await wallet.client.importPrivKey(ticket.votingWif, 'imported', false, 0);
    await wallet.client.addTransaction(mined.blockHash, mined.hex);
    return this.applySettings(wallet, ticket);
  }

  /**
   * Push the ticket's settings to one wallet: every agenda choice, tspend policy and treasury
   * policy, or only the named keys of each map when `only` is given.
   */
  async applySettings(
    wallet: ManagedVotingWallet,
    ticket: TicketForWallets,
    only?: { agendas?: readonly string[]; tspends?: readonly string[]; keys?: readonly string[] },
  ): Promise<SettingsResult> {
    const result: SettingsResult = { invalidAgendas: [], errors: 0 };
    const pick = (map: ChoiceMap, keys: readonly string[] | undefined): [string, string][] =>
      Object.entries(map).filter(([k]) => keys === undefined || keys.includes(k));
    const failed = (what: string, key: string, err: unknown): void => {
      result.errors++;
      this.log.error(
        { ticket: ticket.hash, wallet: wallet.name, [what]: key, err: errorText(err) },
        `${what} could not be set on a voting wallet`,
      );
    };
    for (const [agenda, choice] of pick(ticket.voteChoices, only?.agendas)) {
      try {
        await wallet.client.setVoteChoice(agenda, choice, ticket.hash);
      } catch (err) {
        if (NO_AGENDA.test(errorText(err))) {
          this.log.warn(
            { ticket: ticket.hash, wallet: wallet.name, agenda },
            'the voting wallet does not know this agenda; dropping it from the ticket',
          );
          result.invalidAgendas.push(agenda);
        } else {
          failed('agenda', agenda, err);
        }
      }
    }
    for (const [tspend, policy] of pick(ticket.tspendPolicy, only?.tspends)) {
      try {
        await wallet.client.setTSpendPolicy(tspend, policy, ticket.hash);
      } catch (err) {
        failed('tspend', tspend, err);
      }
    }
    for (const [key, policy] of pick(ticket.treasuryPolicy, only?.keys)) {
      try {
        await wallet.client.setTreasuryPolicy(key, policy, ticket.hash);
      } catch (err) {
        failed('treasuryKey', key, err);
      }
    }
    return result;
  }
}

/** One of src/rpc's WalletClients as a managed voting wallet. */
export function votingWalletOf(client: WalletClient): ManagedVotingWallet {
  // Long enough for a rescan of a mainnet ticket lifetime; other calls keep the client's default.
  const rescanTimeoutMs = 60 * 60_000;
  const rpc: VotingWalletRpc = {
    importPrivKey: (wif, label, rescan, scanFrom) =>
      client.importPrivKey(wif, label, rescan, scanFrom),
    addTransaction: (blockHash, hex) => client.addTransaction(blockHash, hex),
    setVoteChoice: (agenda, choice, ticket) => client.setVoteChoice(agenda, choice, ticket),
    setTSpendPolicy: (tspend, policy, ticket) => client.setTSpendPolicy(tspend, policy, ticket),
    setTreasuryPolicy: (key, policy, ticket) => client.setTreasuryPolicy(key, policy, ticket),
    ticketInfo: (startHeight) => client.ticketInfo(startHeight),
    rescanWallet: (beginHeight) => client.rescanWallet(beginHeight, { timeoutMs: rescanTimeoutMs }),
    async tspendPolicy(tspend, ticket) {
      const r = await client.rpc.call<{ policy: string }>('tspendpolicy', [tspend, ticket]);
      return r.policy;
    },
    async treasuryPolicy(key, ticket) {
      const r = await client.rpc.call<{ policy: string }>('treasurypolicy', [key, ticket]);
      return r.policy;
    },
  };
  return { name: client.rpc.name, client: rpc, isReady: () => client.rpc.isReady };
}

/** The VSP's voting wallets over src/rpc WalletClients (the composition root's usual call). */
export function vspVotingWallets(
  clients: readonly WalletClient[],
  options: { log?: JobLog } = {},
): VspVotingWallets {
  return new VspVotingWallets(clients.map(votingWalletOf), options);
}
