// 001: the VSP (vspd model) tables and the shared settings table. The legacy pool's tables come in
// a later migration under their own `pool_` names; nothing here needs to change for them.
import type { Migration } from '../migrate.ts';
import { createIndex, longText, tableOptions } from './helpers.ts';

// Strings are NOT NULL with '' for "not set", as vspd stores them; the repositories always write
// every column, so no DEFAULTs (MySQL cannot default TEXT columns everywhere).
export const migration001: Migration = {
  version: 1,
  name: '001-vsp',
  async up(db, engine) {
    await db.schema
      .createTable('settings')
      .ifNotExists()
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('value', longText(engine), (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();

    await db.schema
      .createTable('vsp_fee_xpubs')
      .ifNotExists()
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('xpub', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('last_used_index', 'integer', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();

    await db.schema
      .createTable('vsp_tickets')
      .ifNotExists()
      .addColumn('hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('purchase_height', 'integer', (c) => c.notNull())
      .addColumn('commitment_address', 'varchar(64)', (c) => c.notNull())
      .addColumn('fee_address_xpub_id', 'integer', (c) => c.notNull())
      .addColumn('fee_address_index', 'integer', (c) => c.notNull())
      .addColumn('fee_address', 'varchar(64)', (c) => c.notNull())
      .addColumn('fee_amount', 'bigint', (c) => c.notNull())
      .addColumn('fee_expiration', 'bigint', (c) => c.notNull())
      .addColumn('fee_tx_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('fee_tx_hex', longText(engine), (c) => c.notNull())
      .addColumn('fee_tx_status', 'varchar(16)', (c) => c.notNull())
      .addColumn('voting_wif', 'varchar(128)', (c) => c.notNull())
      .addColumn('vote_choices', 'text', (c) => c.notNull())
      .addColumn('tspend_policy', 'text', (c) => c.notNull())
      .addColumn('treasury_policy', 'text', (c) => c.notNull())
      .addColumn('confirmed', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
      .addColumn('outcome_height', 'integer', (c) => c.notNull())
      .addColumn('spend_tx_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();
    // The block pipeline's lookups: by fee status (+ outcome for "votable"), by outcome, unconfirmed
    // tickets, purchase-height ranges (stats, scanning start), and fee payments by address.
    const t = 'vsp_tickets';
    await createIndex(db, engine, {
      name: 'vsp_tickets_fee_status_idx',
      table: t,
      columns: ['fee_tx_status', 'outcome'],
    });
    await createIndex(db, engine, {
      name: 'vsp_tickets_outcome_idx',
      table: t,
      columns: ['outcome'],
    });
    await createIndex(db, engine, {
      name: 'vsp_tickets_confirmed_idx',
      table: t,
      columns: ['confirmed'],
    });
    await createIndex(db, engine, {
      name: 'vsp_tickets_purchase_height_idx',
      table: t,
      columns: ['purchase_height'],
    });
    await createIndex(db, engine, {
      name: 'vsp_tickets_fee_address_idx',
      table: t,
      columns: ['fee_address'],
      unique: true,
    });

    await db.schema
      .createTable('vsp_vote_changes')
      .ifNotExists()
      .addColumn('ticket_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('request', longText(engine), (c) => c.notNull())
      .addColumn('request_signature', 'varchar(255)', (c) => c.notNull())
      .addColumn('response', longText(engine), (c) => c.notNull())
      .addColumn('response_signature', 'varchar(255)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      // Named like PostgreSQL's own <table>_pkey so duplicate-key detection treats it alike.
      .addPrimaryKeyConstraint('vsp_vote_changes_pkey', ['ticket_hash', 'seq'])
      .addForeignKeyConstraint(
        'vsp_vote_changes_ticket_fk',
        ['ticket_hash'],
        'vsp_tickets',
        ['hash'],
        (fk) => fk.onDelete('cascade'),
      )
      .$call((b) => tableOptions(b, engine))
      .execute();

    await db.schema
      .createTable('vsp_alt_sign_addresses')
      .ifNotExists()
      .addColumn('ticket_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('address', 'varchar(64)', (c) => c.notNull())
      .addColumn('request', longText(engine), (c) => c.notNull())
      .addColumn('request_signature', 'varchar(255)', (c) => c.notNull())
      .addColumn('response', longText(engine), (c) => c.notNull())
      .addColumn('response_signature', 'varchar(255)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .$call((b) => tableOptions(b, engine))
      .execute();
  },
};
