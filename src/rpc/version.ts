// JSON-RPC API version checks done on every new connection. A node speaks a compatible API when
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
