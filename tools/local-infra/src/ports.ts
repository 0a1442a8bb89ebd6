import { connect, createServer } from 'node:net';
import { capture } from './run-command';

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Best effort description of who listens on a port ("pid 123 (java)"), for a clear refusal. */
export async function describePortHolder(port: number): Promise<string> {
  const out = await capture('ss', ['-Hltnp', `sport = :${port}`]);
  const match = out?.match(/users:\(\("([^"]+)",pid=(\d+)/);
  return match ? `pid ${match[2]} (${match[1]})` : 'an unknown process';
}

/** A port nothing listens on right now, chosen by the kernel, for servers a test starts on its own. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
