// The whole database as kysely sees it. Each table's row type lives in the module that owns the
// table; this file only puts them together.
import type { LoginAttemptsTable } from './login-attempts.ts';
import type { MigrationsTable } from './migrate.ts';
import type { PoolLowFeeTicketsTable } from './pool-low-fee-tickets.ts';
import type { PoolTicketsTable } from './pool-tickets.ts';
import type { PoolTokensTable } from './pool-tokens.ts';
import type { PoolUsersTable } from './pool-users.ts';
import type { SettingsTable } from './settings.ts';
import type { VspAltSignAddressesTable } from './vsp-alt-sign.ts';
import type { VspFeeXpubsTable } from './vsp-fee-xpubs.ts';
import type { VspTicketsTable } from './vsp-tickets.ts';
import type { VspVoteChangesTable } from './vsp-vote-changes.ts';
import type { WebSessionsTable } from './web-sessions.ts';

export interface DatabaseSchema {
  migrations: MigrationsTable;
  settings: SettingsTable;
  vsp_tickets: VspTicketsTable;
  vsp_fee_xpubs: VspFeeXpubsTable;
  vsp_vote_changes: VspVoteChangesTable;
  vsp_alt_sign_addresses: VspAltSignAddressesTable;
  pool_users: PoolUsersTable;
  web_sessions: WebSessionsTable;
  pool_tokens: PoolTokensTable;
  pool_tickets: PoolTicketsTable;
  pool_low_fee_tickets: PoolLowFeeTicketsTable;
  login_attempts: LoginAttemptsTable;
}
