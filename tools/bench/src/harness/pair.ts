/**
 * The contract between the bench runner and the measurements. A measurement is always a pair: our
 * code (`ours`) and the ceiling it is judged against (`baseline`: the raw driver, raw kafkajs, a
 * bare route, or a peer library), doing the same work on the same servers. The runner alternates
 * them (A B A B ...) after a warm-up, so drift on this shared machine hits both sides alike, and
 * reports each side's median and spread and the ratio of the medians.
 */

/** What one repetition of one side measured. */
export interface Sample {
  /** The figure that is compared, in the pair's unit (events/s, commands/s, ms ...). */
  value: number;
  /** Work done in this repetition (events, commands, messages), for the report. */
  operations?: number;
  /** Latency percentiles in ms, for pairs that measure latency as well as throughput. */
  latency?: { p50: number; p99: number };
  /** CPU seconds and peak RSS in bytes of the processes doing the work, when measured. */
  cpuSeconds?: number;
  rssBytes?: number;
  /** Further counts the pair wants in the report (conflicts retried, acknowledged but lost ...). */
  counters?: Record<string, number>;
}

/** Connections and names a pair may use; every pair gets its own database, topic prefix and Redis db. */
export interface BenchContext {
  mongoUrl: string;
  kafkaBrokers: string[];
  redisUrl: string;
  /** A database name, topic prefix and tenant unique to this pair and run. */
  dbName: string;
  topicPrefix: string;
  tenant: string;
  /** `quick` (smaller loads, 3 repetitions) for a smoke run; `full` for the published figures. */
  profile: 'quick' | 'full';
  log: (line: string) => void;
}

export interface BenchPair {
  /** Stable id, used in results.json and file names: `append-10x-c16`. */
  id: string;
  /** Group in the report: `append`, `commands`, `publish`, `projection`, `rebuild`, `latency`, `memory`, `peer`. */
  group: string;
  title: string;
  unit: string;
  /** True for rates (ratio = ours / baseline); false for latencies and memory (ratio = baseline / ours). */
  higherIsBetter: boolean;
  /** What the baseline is, in a few words: `raw insertMany, same docs, w:majority`. */
  baselineLabel: string;
  /** The goal as a ratio (from issue 7), when there is one: 0.8 means ours >= 0.8 x baseline. */
  goal?: number;
  /** Once before the repetitions (servers, topics, pre-loaded data, child processes). */
  setup(context: BenchContext): Promise<void>;
  ours(repetition: number): Promise<Sample>;
  baseline(repetition: number): Promise<Sample>;
  /** Always called, also after a failure: stop children, drop databases and topics. */
  teardown(): Promise<void>;
}

/** A module of measurements exports a factory, so pairs hold no state between runs. */
export type PairFactory = (profile: BenchContext['profile']) => BenchPair[];
