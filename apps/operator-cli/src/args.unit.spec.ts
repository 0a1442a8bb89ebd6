import { familyNames } from '@eventide/read-side';
import { knownFamilies, parseCommandLine } from './args';
import { exitCodeFor, run } from './main';
import { UsageError } from './usage';
import type { Io } from './io';

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

function captureIo(): Io & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', errIsTTY: false, now: () => 0, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

describe('parseCommandLine', () => {
  it('knows the reference families', () => {
    expect([...knownFamilies].sort()).toEqual(Object.values(familyNames).sort());
  });

  it.each([[[]], [['help']], [['--help']], [['-h']], [['status', '--help']], [['dlq', 'list', 'x', '-h']]])('%j is help', (argv) => {
    expect(parseCommandLine(argv)).toEqual({ command: 'help' });
  });

  it('parses every command', () => {
    expect(parseCommandLine(['status'])).toEqual({ command: 'status', families: ['projector-mongo', 'projector-redis'], json: false });
    expect(parseCommandLine(['status', 'projector-redis', '--json'])).toEqual({ command: 'status', families: ['projector-redis'], json: true });
    expect(parseCommandLine(['rebuild', 'projector-mongo'])).toEqual({ command: 'rebuild', family: 'projector-mongo', json: false });
    expect(parseCommandLine(['reset', 'projector-mongo', '--to', 'earliest'])).toEqual({ command: 'reset', family: 'projector-mongo', to: 'earliest' });
    expect(parseCommandLine(['reset', 'projector-mongo', '--to=2025-01-31T12:00:00Z'])).toEqual({ command: 'reset', family: 'projector-mongo', to: new Date('2025-01-31T12:00:00Z') });
    expect(parseCommandLine(['reset', 'projector-mongo', '--to', '2025-01-31T12:00'])).toMatchObject({ to: new Date('2025-01-31T12:00:00Z') });
    expect(parseCommandLine(['dlq', 'list', 'projector-mongo', '--limit', '5', '--json'])).toEqual({ command: 'dlq-list', family: 'projector-mongo', json: true, limit: 5 });
    expect(parseCommandLine(['dlq', 'replay', 'projector-mongo', 't|product|p1'])).toEqual({ command: 'dlq-replay', family: 'projector-mongo', keys: ['t|product|p1'], json: false });
    expect(parseCommandLine(['dlq', 'replay', 'projector-mongo', '--all'])).toMatchObject({ keys: 'all' });
    expect(parseCommandLine(['dlq', 'skip', 'projector-redis', 't|order|o1'])).toEqual({ command: 'dlq-skip', family: 'projector-redis', key: 't|order|o1', json: false });
    expect(parseCommandLine(['stream', 't', 'product', 'p1', '--from', '2', '--to', '5', '--json'])).toEqual({
      command: 'stream',
      stream: { tenant: 't', aggregateType: 'product', aggregateId: 'p1' },
      json: true,
      from: 2,
      to: 5,
    });
  });

  it.each([
    [['bogus'], 'unknown command "bogus"'],
    [['status', '--verbose'], "Unknown option '--verbose'"],
    [['status', 'projector-nope'], 'unknown family "projector-nope"'],
    [['rebuild'], 'missing <family>'],
    [['reset', 'projector-mongo'], '--to is required'],
    [['reset', 'projector-mongo', '--to', 'yesterday'], 'ISO-8601'],
    [['reset', 'projector-mongo', '--to', '2025-02-30T00:00:00Z'], 'ISO-8601'],
    [['reset', 'projector-mongo', '--to', '2025-13-01'], 'ISO-8601'],
    [['dlq'], 'needs a subcommand'],
    [['dlq', 'drop', 'projector-mongo'], 'unknown subcommand "drop"'],
    [['dlq', 'list', 'projector-mongo', '--limit', 'ten'], '--limit must be a non-negative integer'],
    [['dlq', 'replay', 'projector-mongo'], 'needs a <stream-key> or --all'],
    [['dlq', 'replay', 'projector-mongo', 'k', '--all'], 'not both'],
    [['dlq', 'skip', 'projector-mongo'], 'needs a <stream-key>'],
    [['stream', 't', 'product'], 'needs <tenant> <aggregateType> <aggregateId>'],
    [['stream', 't', 'product', 'p1', '--from=-1'], '--from must be a non-negative integer'],
    [['stream', 't', 'product', 'p1', '--from', '5', '--to', '2'], 'after --to'],
    [['stream', 't', 'product', 'p1', 'extra'], 'unexpected argument "extra"'],
  ])('%j is a usage error mentioning %s', (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toContain(message);
    expect(exitCodeFor(error)).toBe(2);
  });
});

describe('run', () => {
  it('reports a usage error on stderr with exit code 2, nothing on stdout, and touches no server', async () => {
    const io = captureIo();
    expect(await run(['status', 'projector-nope'], io, {})).toBe(2);
    expect(io.stdout).toBe('');
    expect(io.stderr).toMatch(/^error: status: unknown family "projector-nope"/);
  });

  it('prints the usage on stdout for help, listing every command and the environment', async () => {
    const io = captureIo();
    expect(await run([], io, {})).toBe(0);
    for (const word of ['status', 'rebuild', 'reset', 'dlq list', 'dlq replay', 'dlq skip', 'stream', 'MONGO_URL', 'MONGO_DB', 'KAFKA_BROKERS', 'REDIS_URL']) expect(io.stdout).toContain(word);
  });

  it('exits 1 with the missing setting when MONGO_URL is not set', async () => {
    const io = captureIo();
    expect(await run(['stream', 't', 'product', 'p1'], io, {})).toBe(1);
    expect(io.stderr).toBe('error: MONGO_URL is not set (the MongoDB connection string)\n');
  });
});
