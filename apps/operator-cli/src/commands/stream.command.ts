import { streamKey } from '@eventide/event-store';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import { printJson, type Io } from '../io';
import { formatTable } from '../table';

type StreamArgs = Extract<Invocation, { command: 'stream' }>;

/** `stream <tenant> <type> <id> [--json] [--from N] [--to N]`: a stream's events from the event store. */
export async function streamCommand(args: StreamArgs, ctx: CliContext, io: Io): Promise<number> {
  const store = await ctx.store();
  const events = await store.readStream(args.stream, {
    ...(args.from !== undefined ? { fromVersion: args.from } : {}),
    ...(args.to !== undefined ? { toVersion: args.to } : {}),
  });
  const key = streamKey(args.stream);
  if (args.json) {
    printJson(io, { stream: { key, ...args.stream }, events });
    return 0;
  }
  if (events.length === 0) {
    io.err(`no events in stream ${key}${args.from !== undefined || args.to !== undefined ? ' in that version range' : ''}\n`);
    return 0;
  }
  io.out(
    formatTable(
      ['version', 'type', 'timestamp', 'event id', 'correlation id', 'causation id'],
      events.map((e) => [e.version, e.type, e.metadata.timestamp, e.eventId, e.metadata.correlationId, e.metadata.causationId]),
    ),
  );
  return 0;
}
