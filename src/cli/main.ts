// The `stakepool` command: the server, the voter, the admin commands and the simnet.
import process from 'node:process';
import { createDatabaseCommand, retireXpubCommand, writeConfigCommand } from './admin.ts';
import { demoCommand } from './demo.ts';
import { importDcrstakepoolCommand } from './import-dcrstakepool.ts';
import { serveCommand } from './serve.ts';
import { simnetCommand } from './simnet.ts';
import { voterCommand } from './voter.ts';

const usage = `stakepool: a Decred stake pool (legacy dcrstakepool model and vspd-compatible VSP)

Usage: stakepool <command> [options]

Commands:
  serve [options]                run the pool: web (VSP API v3, pages, admin) and jobs
  voter [options]                the legacy pool's voter alone, next to its own dcrd
  demo [--port=8800]             a simnet plus stakepool serving both faces, no config (npm start)
  createdatabase <fee xpub>      create the database with the VSP fee xpub (vspadmin's)
  retirexpub <fee xpub>          retire the current fee xpub and start using a new one
  writeconfig [path]             write a default, commented config file
  import-dcrstakepool --from=<mysql://… | dcrstakepool.conf> [--overwrite]
                                 copy a dcrstakepool database into this one
  simnet up|status|mine N|down   a private Decred simnet of real dcrd and dcrwallets
  help                           show this message

Options:
  -h, --help    show this message
  --version     print the version
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      process.stdout.write(usage);
      return 0;
    case '--version':
      process.stdout.write('stakepool 0.1.0\n');
      return 0;
    case 'demo':
      return demoCommand(rest);
    case 'serve':
      return serveCommand(rest);
    case 'voter':
      return voterCommand(rest);
    case 'createdatabase':
      return createDatabaseCommand(rest);
    case 'retirexpub':
      return retireXpubCommand(rest);
    case 'writeconfig':
      return writeConfigCommand(rest);
    case 'import-dcrstakepool':
      return importDcrstakepoolCommand(rest);
    case 'simnet':
      return simnetCommand(rest);
    default:
      process.stderr.write(`stakepool: unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`stakepool: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
