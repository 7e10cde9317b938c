// Where scripts/install-decred.sh puts the pinned Decred binaries, and a clear error when they are
// missing. Kept in step with the PINS list of that script.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DECRED_VERSIONS = {
  dcrd: 'v1.10.8', // dcrd 2.1.6
  dcrwallet: 'v5.1.1', // dcrwallet 2.1.6
  legacyWallet: 'v4.3.1', // dcrwallet 2.0.6: the last that buys legacy stake-pool tickets
} as const;

export function decredCacheDir(): string {
  const env = process.env['STAKEPOOL_DECRED_CACHE'];
  if (env !== undefined && env !== '') return env;
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(
    xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'),
    'stakepool',
    'decred',
  );
}

export interface DecredBinaries {
  dcrd: string;
  dcrwallet: string;
  legacyWallet: string;
}

export function decredBinaries(): DecredBinaries {
  const root = decredCacheDir();
  const bins: DecredBinaries = {
    dcrd: join(root, `dcrd-${DECRED_VERSIONS.dcrd}`, 'dcrd'),
    dcrwallet: join(root, `dcrwallet-${DECRED_VERSIONS.dcrwallet}`, 'dcrwallet'),
    legacyWallet: join(root, `dcrwallet-${DECRED_VERSIONS.legacyWallet}`, 'dcrwallet'),
  };
  for (const [name, path] of Object.entries(bins) as [string, string][]) {
    if (!existsSync(path)) {
      throw new Error(
        `simnet: ${name} is not installed at ${path}; run scripts/install-decred.sh (needs Go and the Go module proxy)`,
      );
    }
  }
  return bins;
}
