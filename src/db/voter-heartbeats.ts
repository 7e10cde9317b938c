// Heartbeats of the legacy pool's voters (serve's own and every `stakepool voter`), kept as
// settings rows `pool.voter.<name>` so /status can list voters that run in other processes or on
// other machines: they share nothing with the web server but the database.
import { deleteSetting, listSettings, setSetting } from './settings.ts';
import type { Db } from './transaction.ts';

export const VOTER_HEARTBEAT_PREFIX = 'pool.voter.';
/** settings.name holds 64 characters; the prefix takes 11 of them. */
export const MAX_VOTER_NAME = 64 - VOTER_HEARTBEAT_PREFIX.length;

export interface VoterHeartbeatBlock {
  height: number;
  /** Unix seconds. */
  at: number;
  ours: number;
  sent: number;
  duplicates: number;
  failed: number;
  /** Set when the block's winners came from the voter cache (database down): its age. */
  cacheAgeS?: number;
}

export interface VoterHeartbeat {
  name: string;
  /** Unix seconds. */
  startedAt: number;
  /** Unix seconds of this heartbeat. */
  at: number;
  voteVersion: number;
  lastBlock?: VoterHeartbeatBlock;
}

/** A voter name that fits the settings row: trimmed to MAX_VOTER_NAME characters. */
export function voterName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('name: must not be empty');
  return name.slice(0, MAX_VOTER_NAME);
}

export async function writeVoterHeartbeat(db: Db, hb: VoterHeartbeat): Promise<void> {
  await setSetting(db, VOTER_HEARTBEAT_PREFIX + voterName(hb.name), JSON.stringify(hb));
}

export function removeVoterHeartbeat(db: Db, name: string): Promise<boolean> {
  return deleteSetting(db, VOTER_HEARTBEAT_PREFIX + voterName(name));
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseBlock(v: unknown): VoterHeartbeatBlock | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const b = v as Record<string, unknown>;
  const fields = [b.height, b.at, b.ours, b.sent, b.duplicates, b.failed];
  if (!fields.every(isCount)) return undefined;
  const block: VoterHeartbeatBlock = {
    height: b.height as number,
    at: b.at as number,
    ours: b.ours as number,
    sent: b.sent as number,
    duplicates: b.duplicates as number,
    failed: b.failed as number,
  };
  if (isCount(b.cacheAgeS)) block.cacheAgeS = b.cacheAgeS;
  return block;
}

/** The stored value, or undefined when it is not a heartbeat (another version wrote it, say). */
export function parseVoterHeartbeat(value: string): VoterHeartbeat | undefined {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '') return undefined;
  if (!isCount(o.startedAt) || !isCount(o.at) || !isCount(o.voteVersion)) return undefined;
  const hb: VoterHeartbeat = {
    name: o.name,
    startedAt: o.startedAt,
    at: o.at,
    voteVersion: o.voteVersion,
  };
  const lastBlock = parseBlock(o.lastBlock);
  if (lastBlock !== undefined) hb.lastBlock = lastBlock;
  return hb;
}

/** Every stored heartbeat, newest first; unreadable rows are skipped. */
export async function listVoterHeartbeats(db: Db): Promise<VoterHeartbeat[]> {
  const rows = await listSettings(db, VOTER_HEARTBEAT_PREFIX);
  const list: VoterHeartbeat[] = [];
  for (const r of rows) {
    const hb = parseVoterHeartbeat(r.value);
    if (hb !== undefined) list.push(hb);
  }
  return list.sort((a, b) => b.at - a.at || a.name.localeCompare(b.name));
}

/**
 * Deletes heartbeats last written before `before` (unix seconds): voters that died without a
 * clean stop leave one behind, and a pid-based name is new at every start.
 */
export async function purgeVoterHeartbeats(db: Db, before: number): Promise<number> {
  const rows = await listSettings(db, VOTER_HEARTBEAT_PREFIX);
  let n = 0;
  for (const r of rows) {
    if (r.updatedAt < before && (await deleteSetting(db, r.name))) n++;
  }
  return n;
}
