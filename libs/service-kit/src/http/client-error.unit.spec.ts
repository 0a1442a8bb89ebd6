import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { answerClientErrors, clientErrorResponse } from './client-error';

const error = (code?: string) => Object.assign(new Error(code ?? 'parse error'), { code });

function fakeSocket(state: { writable: boolean; headersSent?: boolean }) {
  return { writable: state.writable, _httpMessage: state.headersSent === undefined ? null : { headersSent: state.headersSent }, end: jest.fn(), destroySoon: jest.fn() };
}

function emitOn(socket: ReturnType<typeof fakeSocket>, code?: string) {
  const server = new EventEmitter();
  answerClientErrors(server as unknown as Server);
  server.emit('clientError', error(code), socket);
}

describe("the answers to what Node's HTTP parser refuses", () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'headers-too-large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request-timeout'],
    ['HPE_INVALID_METHOD', 400, 'malformed-http'],
    [undefined, 400, 'malformed-http'],
  ])('%s is a %i problem+json that closes the connection', (code, status, kind) => {
    const { raw, problem } = clientErrorResponse(code);
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head).toContain('\r\nContent-Type: application/problem+json');
    expect(head).toContain('\r\nConnection: close');
    expect(head).toContain(`\r\nContent-Length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toEqual(problem);
    expect(problem).toMatchObject({ status, type: `https://eventide.dev/problems/${kind}` });
  });

  it('writes the problem to a writable socket and closes it', () => {
    const socket = fakeSocket({ writable: true });
    emitOn(socket, 'HPE_HEADER_OVERFLOW');
    expect(socket.end).toHaveBeenCalledWith(clientErrorResponse('HPE_HEADER_OVERFLOW').raw);
    expect(socket.destroySoon).toHaveBeenCalled();
  });

  it.each([
    ['a socket that is no longer writable', { writable: false }, 'ERR_HTTP_REQUEST_TIMEOUT'],
    ['a response whose headers were already sent', { writable: true, headersSent: true }, 'ERR_HTTP_REQUEST_TIMEOUT'],
    ['a peer that reset the connection', { writable: true }, 'ECONNRESET'],
  ])('writes nothing to %s, and closes it', (_what, state, code) => {
    const socket = fakeSocket(state);
    emitOn(socket, code);
    expect(socket.end).not.toHaveBeenCalled();
    expect(socket.destroySoon).toHaveBeenCalled();
  });

  it('still answers a timeout while a response exists but has not started', () => {
    const socket = fakeSocket({ writable: true, headersSent: false });
    emitOn(socket, 'ERR_HTTP_REQUEST_TIMEOUT');
    expect(socket.end).toHaveBeenCalledWith(clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT').raw);
  });
});
