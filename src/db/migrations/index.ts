// Every migration, in version order. Listed by hand (no directory scan) so the set is fixed at
// build time and a bundled or installed copy cannot pick up stray files.
import type { Migration } from '../migrate.ts';
import { migration001 } from './001-vsp.ts';
import { migration002 } from './002-pool.ts';
import { migration003 } from './003-pool-count-index.ts';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003];
