// One way to run a transaction, and a queue for the side effects (wallet/dcrd RPCs, e-mail) that
// must only happen once the rows they depend on are committed.
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from './schema.ts';

/** A Kysely instance or a transaction: every repository function takes either. */
export type Db = Kysely<DatabaseSchema>;
export type Trx = Transaction<DatabaseSchema>;

type Hook = () => void | Promise<void>;

// Keyed by the transaction object kysely hands out, so a nested withTransaction/afterCommit that
// receives the same object finds the outermost transaction's queue.
const pending = new WeakMap<Db, Hook[]>();

/** Thrown by withTransaction when the commit succeeded but an afterCommit hook failed. */
export class AfterCommitError extends Error {
  readonly errors: readonly unknown[];
  constructor(errors: readonly unknown[]) {
    super(`after commit: ${errors.length} side effect(s) failed; the transaction was committed`, {
      cause: errors[0],
    });
    this.name = 'AfterCommitError';
    this.errors = errors;
  }
}

/**
 * Runs fn in a transaction: committed when fn resolves, rolled back when it throws. Given a
 * transaction already (db.isTransaction), fn joins it rather than nesting: the outer one decides.
 * Hooks queued with afterCommit run, in order, after the commit; a rollback drops them.
 */
export async function withTransaction<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Trx);
  const hooks: Hook[] = [];
  const result = await db.transaction().execute(async (trx) => {
    pending.set(trx, hooks);
    try {
      return await fn(trx);
    } finally {
      pending.delete(trx);
    }
  });
  const errors: unknown[] = [];
  for (const hook of hooks) {
    try {
      await hook();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AfterCommitError(errors);
  return result;
}

/**
 * Queues hook to run after the surrounding withTransaction commits. Outside a transaction there is
 * nothing to wait for, so it runs at once. A transaction not opened through withTransaction has
 * no queue, and that is a programming error.
 */
export async function afterCommit(db: Db, hook: Hook): Promise<void> {
  if (!db.isTransaction) {
    await hook();
    return;
  }
  const hooks = pending.get(db);
  if (!hooks) throw new Error('afterCommit: transaction was not opened with withTransaction');
  hooks.push(hook);
}
