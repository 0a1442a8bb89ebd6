import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { StreamRef } from '@eventide/event-store';
import type { ResetTarget } from '@eventide/projections';
import { UsageError } from './usage';

/** The projection families the CLI knows (the reference system's projector services). */
export const knownFamilies = ['projector-mongo', 'projector-redis'] as const;
export type Family = (typeof knownFamilies)[number];

/** A parsed, validated command line. */
export type Invocation =
  | { command: 'help' }
  | { command: 'status'; families: Family[]; json: boolean }
  | { command: 'rebuild'; family: Family; json: boolean }
  | { command: 'reset'; family: Family; to: ResetTarget }
  | { command: 'dlq-list'; family: Family; json: boolean; limit: number }
  | { command: 'dlq-replay'; family: Family; keys: string[] | 'all'; json: boolean }
  | { command: 'dlq-skip'; family: Family; key: string; json: boolean }
  | { command: 'stream'; stream: StreamRef; json: boolean; from?: number; to?: number }
  | { command: 'trace'; traceId: string; json: boolean; file?: string };

type Options = NonNullable<ParseArgsConfig['options']>;
const json: Options = { json: { type: 'boolean' } };
const help: Options = { help: { type: 'boolean', short: 'h' } };

/** parseArgs with usage errors as {@link UsageError}; returns positionals and option values. */
function parse(args: string[], options: Options, what: string) {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...options, ...help }, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
}

function family(value: string | undefined, what: string): Family {
  if (value === undefined) throw new UsageError(`${what}: missing <family> (one of ${knownFamilies.join(', ')})`);
  if (!(knownFamilies as readonly string[]).includes(value)) throw new UsageError(`${what}: unknown family "${value}"; known: ${knownFamilies.join(', ')}`);
  return value as Family;
}

function count(value: string | boolean | undefined, option: string, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`${what}: ${option} must be a non-negative integer, got "${String(value)}"`);
  return n;
}

function noMore(rest: string[], what: string): void {
  if (rest.length) throw new UsageError(`${what}: unexpected argument "${rest[0]}"`);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** True when the date part names a day that exists (Date.parse rolls 2025-02-30 over to March). */
function realDay(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** `earliest`, `latest` or an ISO-8601 date/time (a time without zone is read as UTC). */
export function parseResetTarget(value: string | boolean | undefined): ResetTarget {
  if (value === undefined || typeof value !== 'string' || value === '') throw new UsageError('reset: --to is required (earliest, latest or an ISO-8601 time)');
  if (value === 'earliest' || value === 'latest') return value;
  const zoned = /T|\s/i.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? `${value}Z` : value;
  const time = Date.parse(zoned.replace(' ', 'T'));
  if (!ISO_8601.test(value) || Number.isNaN(time) || !realDay(value)) throw new UsageError(`reset: --to must be earliest, latest or an ISO-8601 time such as 2025-01-31T12:00:00Z, got "${value}"`);
  return new Date(time);
}

/**
 * Parses the command line (without `node` and the script) into an {@link Invocation}. Pure: it
 * throws {@link UsageError} (exit code 2) for unknown commands or options, missing arguments,
 * unknown families and bad values, and touches no server.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (args.includes('--help') || args.includes('-h')) return { command: 'help' };
  switch (command) {
    case 'status': {
      const { values, positionals } = parse(args, json, 'status');
      noMore(positionals.slice(1), 'status');
      const families = positionals[0] === undefined ? [...knownFamilies] : [family(positionals[0], 'status')];
      return { command: 'status', families, json: values['json'] === true };
    }
    case 'rebuild': {
      const { values, positionals } = parse(args, json, 'rebuild');
      noMore(positionals.slice(1), 'rebuild');
      return { command: 'rebuild', family: family(positionals[0], 'rebuild'), json: values['json'] === true };
    }
    case 'reset': {
      const { values, positionals } = parse(args, { to: { type: 'string' } }, 'reset');
      noMore(positionals.slice(1), 'reset');
      const name = family(positionals[0], 'reset');
      return { command: 'reset', family: name, to: parseResetTarget(values['to']) };
    }
    case 'dlq':
      return parseDlq(args);
    case 'stream': {
      const { values, positionals } = parse(args, { ...json, from: { type: 'string' }, to: { type: 'string' } }, 'stream');
      const [tenant, aggregateType, aggregateId, ...rest] = positionals;
      if (!tenant || !aggregateType || !aggregateId) throw new UsageError('stream: needs <tenant> <aggregateType> <aggregateId>');
      noMore(rest, 'stream');
      const from = count(values['from'], '--from', 'stream');
      const to = count(values['to'], '--to', 'stream');
      if (from !== undefined && to !== undefined && from > to) throw new UsageError(`stream: --from ${from} is after --to ${to}`);
      return { command: 'stream', stream: { tenant, aggregateType, aggregateId }, json: values['json'] === true, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
    }
    case 'trace': {
      const { values, positionals } = parse(args, { ...json, file: { type: 'string' } }, 'trace');
      const [traceId, ...rest] = positionals;
      if (!traceId || !/^[0-9a-f]{32}$/.test(traceId)) throw new UsageError('trace: needs a <trace-id> of 32 lowercase hex digits (the X-Trace-Id response header)');
      noMore(rest, 'trace');
      const file = typeof values['file'] === 'string' ? values['file'] : undefined;
      return { command: 'trace', traceId, json: values['json'] === true, ...(file ? { file } : {}) };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function parseDlq(argv: string[]): Invocation {
  const [sub, ...args] = argv;
  switch (sub) {
    case 'list': {
      const { values, positionals } = parse(args, { ...json, limit: { type: 'string' } }, 'dlq list');
      noMore(positionals.slice(1), 'dlq list');
      const limit = count(values['limit'], '--limit', 'dlq list') ?? 100;
      if (limit < 1) throw new UsageError('dlq list: --limit must be at least 1');
      return { command: 'dlq-list', family: family(positionals[0], 'dlq list'), json: values['json'] === true, limit };
    }
    case 'replay': {
      const { values, positionals } = parse(args, { ...json, all: { type: 'boolean' } }, 'dlq replay');
      const name = family(positionals[0], 'dlq replay');
      const keys = positionals.slice(1);
      if (values['all'] === true && keys.length) throw new UsageError('dlq replay: give stream keys or --all, not both');
      if (values['all'] !== true && keys.length === 0) throw new UsageError('dlq replay: needs a <stream-key> or --all');
      return { command: 'dlq-replay', family: name, keys: values['all'] === true ? 'all' : keys, json: values['json'] === true };
    }
    case 'skip': {
      const { values, positionals } = parse(args, json, 'dlq skip');
      const name = family(positionals[0], 'dlq skip');
      const key = positionals[1];
      if (!key) throw new UsageError('dlq skip: needs a <stream-key>');
      noMore(positionals.slice(2), 'dlq skip');
      return { command: 'dlq-skip', family: name, key, json: values['json'] === true };
    }
    case undefined:
      throw new UsageError('dlq: needs a subcommand: list, replay or skip');
    default:
      throw new UsageError(`dlq: unknown subcommand "${sub}" (list, replay or skip)`);
  }
}
