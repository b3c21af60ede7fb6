/** The command-line face over the same library calls as the HTTP API (bin/strata.js runs this). */
import { runCommand } from './cli/commands.js';
import { describeFailure } from './cli/errors.js';

const wantsHelp = (argv: readonly string[]): boolean =>
  argv.includes('--help') || argv.includes('-h');

export async function main(argv: readonly string[]): Promise<number> {
  // `strata worker` is a long-running process, not a command that prints a result.
  if (argv[0] === 'worker' && !wantsHelp(argv)) {
    const worker = await import('./service/studies/worker-main.js');
    return worker.main();
  }
  try {
    console.log(await runCommand(argv));
    return 0;
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    console.error(`strata: ${message}`);
    return exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
