// Loading the configuration for a command, with problems printed the way an operator can act on
// them: every problem names the option and where its value came from.
import { ConfigError, loadConfig } from '../config/index.ts';
import type { LoadResult, Role } from '../config/index.ts';

/** The loaded config, or undefined after printing why it could not be loaded. */
export function loadCommandConfig(argv: readonly string[], role: Role): LoadResult | undefined {
  try {
    const loaded = loadConfig(argv, process.env, undefined, { role });
    for (const w of loaded.warnings) process.stderr.write(`warning: ${w.text}\n`);
    return loaded;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const w of e.warnings) process.stderr.write(`warning: ${w.text}\n`);
    process.stderr.write(`${e.message}\n`);
    for (const p of e.problems) process.stderr.write(`  ${p.text}\n`);
    return undefined;
  }
}
