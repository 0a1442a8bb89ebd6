import { NotParkedError } from '@eventide/projections';
import { parseCommandLine, type Invocation } from './args';
import { dlqListCommand } from './commands/dlq-list.command';
import { dlqReplayCommand, dlqSkipCommand } from './commands/dlq-replay.command';
import { rebuildCommand } from './commands/rebuild.command';
import { resetCommand } from './commands/reset.command';
import { statusCommand } from './commands/status.command';
import { streamCommand } from './commands/stream.command';
import { traceCommand } from './commands/trace.command';
import { CliContext } from './context';
import { processIo, type Io } from './io';
import { usage, UsageError } from './usage';

function dispatch(invocation: Invocation, ctx: CliContext, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  switch (invocation.command) {
    case 'help':
      io.out(usage);
      return Promise.resolve(0);
    case 'status':
      return statusCommand(invocation, ctx, io);
    case 'rebuild':
      return rebuildCommand(invocation, ctx, io);
    case 'reset':
      return resetCommand(invocation, ctx, io);
    case 'dlq-list':
      return dlqListCommand(invocation, ctx, io);
    case 'dlq-replay':
      return dlqReplayCommand(invocation, ctx, io);
    case 'dlq-skip':
      return dlqSkipCommand(invocation, ctx, io);
    case 'stream':
      return streamCommand(invocation, ctx, io);
    case 'trace':
      return traceCommand(invocation, io, env);
  }
}

/** The exit code for an error: 2 for usage errors, 1 for everything else (servers, operations). */
export function exitCodeFor(error: unknown): number {
  return error instanceof UsageError ? 2 : 1;
}

/**
 * Runs the CLI on `argv` (without `node` and the script): parses, dispatches, reports errors as
 * `error: <message>` on stderr, closes every connection, and returns the exit code.
 */
export async function run(argv: readonly string[], io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(argv);
  } catch (error) {
    io.err(`error: ${(error as Error).message}\nrun \`eventide help\` for usage\n`);
    return exitCodeFor(error);
  }
  const ctx = new CliContext(env);
  try {
    return await dispatch(invocation, ctx, io, env);
  } catch (error) {
    const message = error instanceof NotParkedError || error instanceof Error ? error.message : String(error);
    io.err(`error: ${message}\n`);
    return exitCodeFor(error);
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Everything is closed; should a driver still hold a handle, do not hang on it.
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
