import type { LinkFault } from './fault-proxy';

export type ServerName = 'kafka' | 'mongo' | 'redis';
export type ServiceToKill = 'command-service' | 'query-gateway' | 'projector-mongo' | 'projector-redis';

/** One fault the soak injects. */
export type Fault =
  | { kind: 'kill-service'; service: ServiceToKill; downMs: number }
  | { kind: 'restart-server'; server: ServerName }
  | { kind: 'link'; server: ServerName; fault: Exclude<LinkFault, { kind: 'reset' }> | { kind: 'reset' }; forMs: number };

export const faultLabel = (fault: Fault): string =>
  fault.kind === 'kill-service' ? `kill -9 ${fault.service}` : fault.kind === 'restart-server' ? `restart ${fault.server}` : `${fault.fault.kind} on the ${fault.server} link`;

const services: ServiceToKill[] = ['command-service', 'query-gateway', 'projector-mongo', 'projector-redis'];
const servers: ServerName[] = ['kafka', 'mongo', 'redis'];

/**
 * A seeded fault plan: every kind of fault once (each service killed, each server restarted, each
 * link fault on each server) in a shuffled order, then random ones up to `count`.
 */
export function planFaults(random: () => number, count: number, options: { serverRestarts: boolean }): Fault[] {
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
  const linkFault = (server: ServerName, kind: LinkFault['kind']): Fault => ({
    kind: 'link',
    server,
    fault: kind === 'latency' ? { kind, ms: between(100, 800) } : { kind } as Exclude<LinkFault, { kind: 'latency' }>,
    forMs: kind === 'reset' ? 0 : between(2000, 6000),
  });
  const every: Fault[] = [
    ...services.map((service): Fault => ({ kind: 'kill-service', service, downMs: between(500, 3000) })),
    ...(options.serverRestarts ? servers.map((server): Fault => ({ kind: 'restart-server', server })) : []),
    ...servers.flatMap((server) => (['latency', 'reset', 'blackhole', 'halfOpen'] as const).map((kind) => linkFault(server, kind))),
  ];
  for (let i = every.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [every[i], every[j]] = [every[j] as Fault, every[i] as Fault];
  }
  const plan = [...every];
  while (plan.length < count) {
    const r = random();
    if (r < 0.35) plan.push({ kind: 'kill-service', service: services[between(0, services.length)] as ServiceToKill, downMs: between(500, 3000) });
    else if (r < 0.45 && options.serverRestarts) plan.push({ kind: 'restart-server', server: servers[between(0, servers.length)] as ServerName });
    else plan.push(linkFault(servers[between(0, servers.length)] as ServerName, (['latency', 'reset', 'blackhole', 'halfOpen'] as const)[between(0, 4)] as LinkFault['kind']));
  }
  return plan;
}
