import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { FaultProxy } from './fault-proxy';

// The proxy in front of an echo server on loopback: each fault does to a live connection what it says.
let echo: Server;
let proxy: FaultProxy;
const echoSockets = new Set<Socket>();

beforeAll(async () => {
  echo = createServer((socket) => {
    echoSockets.add(socket);
    socket.on('error', () => undefined).on('close', () => echoSockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
  proxy = new FaultProxy('echo', { host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
  await proxy.listen();
});

afterAll(async () => {
  await proxy.close();
  for (const socket of echoSockets) socket.destroy();
  await new Promise((resolve) => echo.close(resolve));
});

afterEach(() => proxy.set(undefined));

function connect(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.connect(proxy.port, '127.0.0.1', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // each test looks at the socket's fate itself
      resolve(socket);
    });
  });
}

/** Sends `text` and resolves with what comes back within `ms`, or with the socket's fate. */
function roundTrip(socket: Socket, text: string, ms = 1000): Promise<{ reply?: string; error?: string; after: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const done = (result: { reply?: string; error?: string }) => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      resolve({ ...result, after: Date.now() - started });
    };
    const timer = setTimeout(() => done({}), ms);
    socket.once('data', (data) => done({ reply: data.toString() }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ error: error.code ?? error.message }));
    socket.once('close', () => done({ error: 'closed' }));
    socket.write(text);
  });
}

describe('the fault proxy', () => {
  it('passes traffic through untouched when no fault is set', async () => {
    const socket = await connect();
    expect((await roundTrip(socket, 'ping')).reply).toBe('ping');
    socket.destroy();
  });

  it('delays both directions by the latency, keeping order', async () => {
    const socket = await connect();
    proxy.set({ kind: 'latency', ms: 150 });
    const result = await roundTrip(socket, 'slow');
    expect(result.reply).toBe('slow');
    expect(result.after).toBeGreaterThanOrEqual(280); // 150 ms each way
    socket.destroy();
  });

  it('resets open connections, and lets new ones through', async () => {
    const socket = await connect();
    const fate = new Promise<string>((resolve) => socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).once('close', () => resolve('closed')));
    proxy.set({ kind: 'reset' });
    expect(await fate).toMatch(/ECONNRESET|closed/);
    const fresh = await connect();
    expect((await roundTrip(fresh, 'again')).reply).toBe('again');
    fresh.destroy();
  });

  it('black-holes traffic without telling anyone, then resets the stalled connections when it ends', async () => {
    const socket = await connect();
    proxy.set({ kind: 'blackhole' });
    expect(await roundTrip(socket, 'lost', 400)).toEqual({ after: expect.any(Number) }); // no reply, no error: it hangs
    const fate = new Promise<string>((resolve) => socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).once('close', () => resolve('closed')));
    proxy.set(undefined);
    expect(await fate).toMatch(/ECONNRESET|closed/);
    const fresh = await connect();
    expect((await roundTrip(fresh, 'healed')).reply).toBe('healed');
    fresh.destroy();
  });

  it('half-opens: requests still reach the server but its answers never come back', async () => {
    let received = '';
    const listener = (socket: Socket) => socket.on('data', (d) => (received += d.toString()));
    echo.on('connection', listener);
    const socket = await connect();
    proxy.set({ kind: 'halfOpen' });
    expect((await roundTrip(socket, 'one-way', 400)).reply).toBeUndefined();
    expect(received).toContain('one-way');
    echo.off('connection', listener);
    proxy.set(undefined);
    socket.destroy();
  });
});
