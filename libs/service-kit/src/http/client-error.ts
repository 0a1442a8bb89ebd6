import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { problem, type Problem, type ProblemKind } from './problem';

/** Node's codes for what it refuses before any request handler runs, and the problem each is. */
export function clientErrorKind(code: string | undefined): ProblemKind {
  if (code === 'HPE_HEADER_OVERFLOW') return 'headers-too-large';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request-timeout';
  return 'malformed-http';
}

const details: Partial<Record<ProblemKind, string>> = {
  'headers-too-large': 'the request line and headers together must stay under 16 kB',
  'request-timeout': 'send the headers within 10 s and the whole request within 30 s',
  'malformed-http': 'the request could not be parsed as HTTP/1.1',
};

/** The raw HTTP/1.1 answer for a client error: a problem+json body, and the connection closed. */
export function clientErrorResponse(code: string | undefined): { problem: Problem; raw: string } {
  const kind = clientErrorKind(code);
  const body = problem(kind, { detail: details[kind] });
  const json = JSON.stringify(body);
  const raw = [
    `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status] ?? ''}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    json,
  ].join('\r\n');
  return { problem: body, raw };
}

/**
 * Node answers malformed HTTP (400), oversized headers (431) and slow clients (408) itself, with a
 * bare status line, before any middleware runs. This answers them as problem+json instead, on the
 * raw socket: only while it is writable and no response has started on it (a reset peer, or a
 * timeout in the middle of an answer, gets nothing), and then closes it.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
    if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      socket.end(clientErrorResponse(error.code).raw);
    }
    socket.destroySoon();
  });
}
