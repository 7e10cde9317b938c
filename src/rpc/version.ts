import type { NetParams } from '../dcr/params.ts';
import { NETWORKS } from '../dcr/params.ts';
import type { RpcCaller } from './client.ts';
import { RpcSetupError } from './errors.ts';

// JSON-RPC API version and network checks done on every new connection. A node speaks a compatible API when
// the major version matches and the minor version is at least the one we need (semver).

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

export interface VersionResult extends SemVer {
  versionstring: string;
  prerelease?: string;
  buildmetadata?: string;
}

/** `version` reply: a map from component name to its version. */
export type VersionMap = Record<string, VersionResult>;

export function isCompatible(have: SemVer, need: SemVer): boolean {
  return (
    have.major === need.major &&
    (have.minor > need.minor || (have.minor === need.minor && have.patch >= need.patch))
  );
}

export function formatSemVer(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/**
 * Checks `key` in a `version` reply against the accepted API versions; returns a message naming
 * what is wrong, or undefined when compatible.
 */
export function checkApiVersion(
  versions: VersionMap,
  key: string,
  accepted: readonly SemVer[],
): string | undefined {
  const have = versions[key];
  if (have === undefined) return `the node's version reply has no "${key}" entry`;
  if (accepted.some((need) => isCompatible(have, need))) return undefined;
  const want = accepted.map((v) => `${v.major}.x (≥ ${formatSemVer(v)})`).join(' or ');
  return `${key} is ${formatSemVer(have)}, need ${want}`;
}

/**
 * The checks every node connection starts with: the JSON-RPC API version under `apiKey` of the
 * `version` reply, then the network (`getcurrentnet` must be `net`'s wire magic). Throws an
 * RpcSetupError naming what is wrong; `label` names the node in the message.
 */
export async function checkApiAndNetwork(
  c: RpcCaller,
  label: string,
  apiKey: string,
  accepted: readonly SemVer[],
  net: NetParams,
): Promise<void> {
  const versions = await c.call<VersionMap>('version');
  const bad = checkApiVersion(versions, apiKey, accepted);
  if (bad !== undefined) throw new RpcSetupError(`${label}: unsupported JSON-RPC API: ${bad}`);
  const magic = await c.call<number>('getcurrentnet');
  if (magic !== net.wireMagic) {
    throw new RpcSetupError(
      `${label}: running on ${describeNet(magic)}, expected ${describeNet(net.wireMagic)}`,
    );
  }
}

/** "simnet (0x12141c16)" for a wire magic, or "an unknown network (0x…)". */
export function describeNet(magic: number): string {
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  const net = Object.values(NETWORKS).find((n) => n.wireMagic === magic);
  return net === undefined ? `an unknown network (${hex})` : `${net.name} (${hex})`;
}
