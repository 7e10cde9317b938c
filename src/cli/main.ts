// The `stakepool` command. Later issues add `serve`, `voter`, `simnet` and the admin commands;
// for now it describes itself.
import process from 'node:process';

const usage = `stakepool: a Decred stake pool (legacy dcrstakepool model and vspd-compatible VSP)

Usage: stakepool <command> [options]

Commands:
  help          show this message

Options:
  -h, --help    show this message
  --version     print the version
`;

export function main(argv: readonly string[]): number {
  const [command] = argv;
  if (command === undefined || command === 'help' || command === '-h' || command === '--help') {
    process.stdout.write(usage);
    return 0;
  }
  if (command === '--version') {
    process.stdout.write('stakepool 0.1.0\n');
    return 0;
  }
  process.stderr.write(`stakepool: unknown command "${command}"\n\n${usage}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
