// 002: the legacy pool (dcrstakepool model) under its own `pool_` names, plus the two tables both
// faces share: server-side web sessions and the failed-login counters.
import type { Migration } from '../migrate.ts';
import { createIndex, longText, tableOptions } from './helpers.ts';

// Unlike 001, optional multisig fields are NULL until a user submits an address: NULL keeps the
// UNIQUE index on multisig_address satisfied for every user without one ('' would collide).
export const migration002: Migration = {
  version: 2,
  name: '002-pool',
  async up(db, engine) {
    await db.schema
      .createTable('pool_users')
      .ifNotExists()
      // Not auto-increment: the id is also the HD child index of the user's keys (≤ 9999), so
      // the repository allocates it (see createPoolUser) and imports keep dcrstakepool's ids.
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('email', 'varchar(254)', (c) => c.notNull())
      // Lowercased email: lookups and uniqueness are case-insensitive on every engine alike
      // (dcrstakepool had no unique index at all, so duplicates could slip in, #420).
      .addColumn('email_key', 'varchar(254)', (c) => c.notNull().unique())
      .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
      .addColumn('email_verified', 'integer', (c) => c.notNull())
      .addColumn('multisig_address', 'varchar(64)', (c) => c.unique())
      .addColumn('multisig_script', 'text')
      .addColumn('pool_pubkey_addr', 'varchar(128)')
      .addColumn('user_pubkey_addr', 'varchar(128)')
      .addColumn('fee_address', 'varchar(64)')
      .addColumn('height_registered', 'integer')
      .addColumn('vote_bits', 'integer', (c) => c.notNull())
      .addColumn('vote_bits_version', 'integer', (c) => c.notNull())
      .addColumn('api_token', 'varchar(1024)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();

    await db.schema
      .createTable('web_sessions')
      .ifNotExists()
      .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'integer')
      .addColumn('admin', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();
    // Killing a user's sessions (password change, #328) and purging expired ones.
    await createIndex(db, engine, {
      name: 'web_sessions_user_id_idx',
      table: 'web_sessions',
      columns: ['user_id'],
    });
    await createIndex(db, engine, {
      name: 'web_sessions_expires_at_idx',
      table: 'web_sessions',
      columns: ['expires_at'],
    });

    await db.schema
      .createTable('pool_tokens')
      .ifNotExists()
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('new_email', 'varchar(254)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();
    // An email change drops the user's reset tokens (#320).
    await createIndex(db, engine, {
      name: 'pool_tokens_user_id_idx',
      table: 'pool_tokens',
      columns: ['user_id'],
    });

    await db.schema
      .createTable('pool_tickets')
      .ifNotExists()
      .addColumn('hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('ticket_address', 'varchar(64)', (c) => c.notNull())
      .addColumn('purchase_height', 'integer', (c) => c.notNull())
      .addColumn('purchase_block', 'varchar(64)', (c) => c.notNull())
      .addColumn('price', 'bigint', (c) => c.notNull())
      .addColumn('fee_paid', 'bigint', (c) => c.notNull())
      .addColumn('fee_required', 'bigint', (c) => c.notNull())
      .addColumn('fee_status', 'varchar(16)', (c) => c.notNull())
      .addColumn('ticket_hex', longText(engine), (c) => c.notNull())
      .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
      .addColumn('outcome_height', 'integer', (c) => c.notNull())
      .addColumn('spent_by', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();
    const t = 'pool_tickets';
    // /tickets: one user's tickets newest first, a page at a time, and the counts per group
    // (dcrstakepool took 39 s for a user with 50,000 tickets). Beyond (user_id, purchase_height)
    // it carries hash (full order, no sort) and outcome + fee status (the group filter), so those
    // queries read this index alone and touch only the rows a page shows.
    await createIndex(db, engine, {
      name: 'pool_tickets_user_height_idx',
      table: t,
      columns: ['user_id', 'purchase_height', 'hash', 'outcome', 'fee_status'],
    });
    // Chain follower: unspent tickets, and the reorg rewinds by purchase and outcome height.
    await createIndex(db, engine, {
      name: 'pool_tickets_outcome_idx',
      table: t,
      columns: ['outcome'],
    });
    await createIndex(db, engine, {
      name: 'pool_tickets_purchase_height_idx',
      table: t,
      columns: ['purchase_height'],
    });
    await createIndex(db, engine, {
      name: 'pool_tickets_outcome_height_idx',
      table: t,
      columns: ['outcome_height'],
    });

    // No foreign key to pool_tickets: a reorg deletes and re-adds ticket rows, and the admin's
    // decision must survive that.
    await db.schema
      .createTable('pool_low_fee_tickets')
      .ifNotExists()
      .addColumn('ticket_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('added_by', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();

    // 190 characters: the longest utf8mb4 VARCHAR an older InnoDB (767-byte keys) can index.
    await db.schema
      .createTable('login_attempts')
      .ifNotExists()
      .addColumn('attempt_key', 'varchar(190)', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();
  },
};
