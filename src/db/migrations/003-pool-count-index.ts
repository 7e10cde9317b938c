// 003: an index that serves a user's per-group ticket counts (the /tickets tabs) from the index
// alone, grouped in index order: at 50,000 tickets for one user SQLite built a temporary tree for
// the GROUP BY over the page index (14.5 ms), and reads this one in 5 ms.
import type { Migration } from '../migrate.ts';
import { createIndex } from './helpers.ts';

export const migration003: Migration = {
  version: 3,
  name: '003-pool-count-index',
  async up(db, engine) {
    await createIndex(db, engine, {
      name: 'pool_tickets_user_group_idx',
      table: 'pool_tickets',
      columns: ['user_id', 'outcome', 'fee_status', 'purchase_height'],
    });
  },
};
