// How numbers, times and sizes read on the pages. Plain strings out; the templates escape them.
import { formatAmount } from '../../dcr/amounts.ts';
import type { NetworkName } from '../../dcr/params.ts';

/** "1.50000000 DCR". */
export function dcr(atoms: bigint): string {
  return formatAmount(atoms);
}

/** A share in [0, 1] as a percentage with two decimals: 0.0123 → "1.23%". */
export function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(2)}%` : '—';
}

/** A fee rate already in percent: 2 → "2%", 0.5 → "0.5%". */
export function feePercent(rate: number): string {
  return `${Number(rate.toFixed(4))}%`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Unix seconds as "2026-01-01 00:00:00 UTC". */
export function dateTime(unixSeconds: number): string {
  if (!Number.isFinite(unixSeconds)) return '—';
  return new Date(unixSeconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** How long ago `thenMs` was, coarse: "just now", "42 seconds ago", "3 minutes ago"… */
export function timeAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - thenMs) / 1000));
  if (s < 5) return 'just now';
  const unit = (n: number, name: string): string => `${n} ${name}${n === 1 ? '' : 's'} ago`;
  if (s < 60) return unit(s, 'second');
  if (s < 3600) return unit(Math.floor(s / 60), 'minute');
  if (s < 86400) return unit(Math.floor(s / 3600), 'hour');
  return unit(Math.floor(s / 86400), 'day');
}

/** 1536 → "1.5 KiB". */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[i]}`;
}

const EXPLORERS: Partial<Record<NetworkName, string>> = {
  mainnet: 'https://dcrdata.decred.org',
  testnet3: 'https://testnet.dcrdata.org',
};

/**
 * A block explorer link for a tx hash or address on this network, or undefined (simnet has no
 * public explorer). Only called with values checked to be hex hashes or base58 addresses, so the
 * URL needs no further encoding; encodeURIComponent is applied anyway.
 */
export function explorerUrl(
  net: NetworkName,
  kind: 'tx' | 'address' | 'block',
  id: string,
): string | undefined {
  const base = EXPLORERS[net];
  return base === undefined ? undefined : `${base}/${kind}/${encodeURIComponent(id)}`;
}

/** A JSON text pretty-printed, or the text itself when it is not JSON. */
export function indentJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text) as unknown, null, 2);
  } catch {
    return text;
  }
}
