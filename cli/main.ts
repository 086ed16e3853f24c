import { Command, CommanderError, Option } from 'commander';
import { commands } from './commands.ts';
import { toSel104Error } from '../schemas/errors.ts';
import { loadStandards } from '../schemas/standard.ts';
import { setStandards } from './context.ts';

/** `sel104`: one line per error, no stack traces, exit codes from the error catalogue. */
const program = new Command()
  .name('sel104')
  .description('Event-sourced analytics and reporting for activity and social-contact offers (Serviceloven §104)')
  .addOption(new Option('--db <path>', 'projection database (DuckDB file)').env('SEL104_DB').default('./data/sel104.duckdb'))
  .addOption(new Option('--log <kind>', 'event log').choices(['embedded', 'kafka']).env('SEL104_LOG').default('embedded'))
  .addOption(new Option('--standards <dir>', 'quality standards (*.json), replacing the shipped set in standards/').env('SEL104_STANDARDS'))
  .showSuggestionAfterError()
  .exitOverride()
  // (commander's own errors are bad usage too, and carry its code like every other error)
  .configureOutput({ outputError: (str, write) => write(`sel104: ${str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ').replace(/\.$/, '')}; see sel104 --help [SEL104_ERR_USAGE]\n`) });

// Standards are configuration: validated and frozen once, before any command runs (contract §2).
program.hook('preAction', (root) => {
  setStandards(loadStandards((root.opts() as { standards?: string }).standards));
});

commands(program);

// A reader that stops early (sel104 simulate | head) closes the pipe: stop quietly, as Unix tools do
const closedPipe = (err: unknown) => (err as { code?: unknown } | null)?.code === 'EPIPE';
process.stdout.on('error', (err) => {
  if (closedPipe(err)) process.exit(0);
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; every other parse error is bad usage (contract §3: exit 2).
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (closedPipe(err)) process.exit(0);
  const e = toSel104Error(err);
  // a report parameter is named by the option typed (--as-of), as the API names its query field (asOf)
  const message = e.code === 'SEL104_ERR_BAD_PARAMETER' ? e.message.replace(/^([a-z][A-Za-z]*):/, (_, f: string) => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:`) : e.message;
  process.stderr.write(`sel104: ${message} [${e.code}]\n`);
  if (process.env.SEL104_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(e.exitCode);
}
