// The whole database as kysely sees it. Each table's row type lives in the module that owns the
// table; this file only puts them together.
import type { MigrationsTable } from './migrate.ts';
import type { SettingsTable } from './settings.ts';
import type { VspAltSignAddressesTable } from './vsp-alt-sign.ts';
import type { VspFeeXpubsTable } from './vsp-fee-xpubs.ts';
import type { VspTicketsTable } from './vsp-tickets.ts';
import type { VspVoteChangesTable } from './vsp-vote-changes.ts';

export interface DatabaseSchema {
  migrations: MigrationsTable;
  settings: SettingsTable;
  vsp_tickets: VspTicketsTable;
  vsp_fee_xpubs: VspFeeXpubsTable;
  vsp_vote_changes: VspVoteChangesTable;
  vsp_alt_sign_addresses: VspAltSignAddressesTable;
}
