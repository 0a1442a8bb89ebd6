import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/**
 * What a link between a service and a server suffers:
 * - `latency`: every chunk in either direction is delayed by `ms` (order kept);
 * - `reset`: every open connection is reset (RST) at once; new ones go through;
 * - `blackhole`: nothing goes through in either direction and nobody is told: connections hang,
 *   as behind a dead switch; when it ends they are reset, as a host that lost their state would;
 * - `halfOpen`: the server's answers stop reaching the client while its requests still go in,
 *   as when one side of a connection died silently; when it ends those connections are reset.
 */
export type LinkFault = { kind: 'latency'; ms: number } | { kind: 'reset' } | { kind: 'blackhole' } | { kind: 'halfOpen' };

interface Link {
  client: Socket;
  server: Socket;
  /** Set while this link is stalled by a blackhole or half-open fault; it is reset when the fault ends. */
  stalled: boolean;
}

/**
 * A TCP proxy in front of one server, with faults switched on and off by the test. Services connect
 * to the proxy instead of the server (for Kafka, the broker advertises the proxy's address).
 */
export class FaultProxy {
  private readonly server: Server;
  private readonly links = new Set<Link>();
  private fault: LinkFault | undefined;
  /** Connections accepted over the proxy's life. */
  connections = 0;

  constructor(
    readonly name: string,
    private readonly target: { host: string; port: number },
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get openLinks(): number {
    return this.links.size;
  }

  /** Switches a fault on (replacing any other) or, with `undefined`, off. */
  set(fault: LinkFault | undefined): void {
    const ending = this.fault;
    this.fault = fault?.kind === 'reset' ? undefined : fault;
    if (fault?.kind === 'reset') for (const link of this.links) this.reset(link);
    if (ending && (ending.kind === 'blackhole' || ending.kind === 'halfOpen') && this.fault?.kind !== ending.kind) {
      for (const link of this.links) if (link.stalled) this.reset(link);
    }
    if (this.fault?.kind === 'blackhole' || this.fault?.kind === 'halfOpen') for (const link of this.links) link.stalled = true;
  }

  async close(): Promise<void> {
    for (const link of this.links) this.reset(link);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.connections += 1;
    const server = new Socket();
    const link: Link = { client, server, stalled: this.fault?.kind === 'blackhole' || this.fault?.kind === 'halfOpen' };
    this.links.add(link);
    const end = () => {
      this.links.delete(link);
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    server.connect(this.target.port, this.target.host);
    client.setNoDelay(true);
    server.setNoDelay(true);
    this.pipe(link, client, server, 'up');
    this.pipe(link, server, client, 'down');
  }

  /** Forwards `from` to `to`, subject to the fault in force when each chunk arrives. */
  private pipe(link: Link, from: Socket, to: Socket, direction: 'up' | 'down'): void {
    let queue = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const fault = this.fault;
      if (link.stalled && (fault?.kind === 'blackhole' || (fault?.kind === 'halfOpen' && direction === 'down'))) return; // dropped
      if (link.stalled && !fault) return; // a stalled link waits to be reset
      // Each chunk leaves `ms` after it arrived, in order: latency, not a throughput cap.
      const due = Date.now() + (fault?.kind === 'latency' ? fault.ms : 0);
      queue = queue.then(async () => {
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (to.writable) to.write(chunk);
      });
    });
  }

  private reset(link: Link): void {
    this.links.delete(link);
    link.client.resetAndDestroy();
    link.server.resetAndDestroy();
  }
}
