import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { answerClientErrors } from './client-error';

// Raw sockets against a real Node HTTP server set up as runService sets it up (shorter timeouts):
// what Node refuses before any handler runs is answered as problem+json.
let server: Server;
let port = 0;

beforeAll(async () => {
  // Answers once it has the whole body, as the services' JSON body parser does.
  server = createServer((req, res) => req.resume().on('end', () => res.end('ok')));
  Object.assign(server, { headersTimeout: 500, requestTimeout: 1000, connectionsCheckingInterval: 100 });
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Writes `start` (then `drip` every 100 ms, if given); resolves with all the server said before it closed. */
function exchange(start: string, drip?: string): Promise<string> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(start));
    const timer = drip ? setInterval(() => socket.writable && socket.write(drip), 100) : undefined;
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(reply);
    });
  });
}

function expectProblem(reply: string, status: number, kind: string): void {
  const [head = '', body = ''] = reply.split('\r\n\r\n');
  expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
  expect(head).toMatch(/\r\nConnection: close(\r\n|$)/i);
  expect(JSON.parse(body)).toMatchObject({ status, type: `https://eventide.dev/problems/${kind}` });
}

describe("what Node's HTTP server refuses by itself, answered as problem+json", () => {
  it('a malformed request line is a 400', async () => {
    expectProblem(await exchange('THIS IS NOT HTTP\r\n\r\n'), 400, 'malformed-http');
  });

  it('headers over 16 kB are a 431', async () => {
    expectProblem(await exchange(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'headers-too-large');
  });

  it('a client that trickles its headers is a 408', async () => {
    expectProblem(await exchange('GET / HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n'), 408, 'request-timeout');
  });

  it('a client that trickles its body is a 408', async () => {
    expectProblem(await exchange('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n', 'x'), 408, 'request-timeout');
  });

  it('a client gone before the answer costs nothing, and the server keeps answering', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('BROKEN\r\n\r\n');
        socket.destroy();
        resolve();
      });
    });
    expect(await exchange('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
  });
});
