import type { Progress } from '../log';
import type { Launch } from '../processes';
import type { InfraSettings } from '../settings';

export type ServerName = 'kafka' | 'mongo' | 'redis';

/** One kind of server the manager can provide locally, or find through its environment variable. */
export interface ManagedServer {
  readonly name: ServerName;
  /** The variable through which every service and test finds this server. */
  readonly envVar: 'KAFKA_BROKERS' | 'MONGO_URL' | 'REDIS_URL';
  readonly port: number;
  /** The value of envVar that points at our local server. */
  readonly localUrl: string;
  readonly readyTimeoutMs: number;
  readonly stopGraceMs: number;
  /** Downloads, builds or installs what is missing (cached), writes config, and says how to start. */
  prepare(progress: Progress): Promise<Launch & { description: string }>;
  /** Resolves only when the server at url answers a real request; throws otherwise. */
  probe(url: string): Promise<void>;
}

export type ServerFactory = (settings: InfraSettings) => ManagedServer;
