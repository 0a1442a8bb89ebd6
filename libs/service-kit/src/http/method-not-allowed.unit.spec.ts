import type { NextFunction, Request, Response } from 'express';
import { allowedMethods, methodNotAllowed, type RouteLayer } from './method-not-allowed';

const route = (pattern: RegExp, ...methods: string[]): RouteLayer => ({ route: { methods: Object.fromEntries(methods.map((m) => [m, true])) }, match: (path) => pattern.test(path) });
const stack: RouteLayer[] = [
  { match: () => true }, // a middleware: no route, never counted
  route(/^\/v1\/products$/, 'get'),
  route(/^\/v1\/products$/, 'post'),
  route(/^\/v1\/products\/[^/]+$/, 'get'),
  { route: { methods: { get: true } }, match: () => { throw new URIError('bad escape'); } },
];

function answer(method: string, path: string) {
  const res = { headers: {} as Record<string, string>, code: 0, body: '', setHeader(n: string, v: string) { this.headers[n] = v; }, status(c: number) { this.code = c; return this; }, type() { return this; }, send(b: string) { this.body = b; } };
  const next = jest.fn();
  methodNotAllowed(() => stack)({ method, path, originalUrl: path } as Request, res as unknown as Response, next as NextFunction);
  return { res, next };
}

describe('a known path asked with a method it does not serve', () => {
  it('knows the methods of every route matching a path, HEAD wherever GET is', () => {
    expect(allowedMethods(stack, '/v1/products')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowedMethods(stack, '/v1/products/p-1')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(stack, '/v1/nothing')).toEqual([]);
  });

  it('is a 405 problem+json with Allow', () => {
    const { res, next } = answer('DELETE', '/v1/products/p-1');
    expect(next).not.toHaveBeenCalled();
    expect(res.code).toBe(405);
    expect(res.headers['Allow']).toBe('GET, HEAD');
    expect(JSON.parse(res.body)).toMatchObject({ status: 405, type: 'https://eventide.dev/problems/method-not-allowed' });
  });

  it.each([
    ['a served method', 'POST', '/v1/products'],
    ['HEAD on a GET route', 'HEAD', '/v1/products/p-1'],
    ['an unknown path (the router answers 404)', 'PUT', '/v1/nothing'],
  ])('passes %s on to the routes', (_what, method, path) => {
    expect(answer(method, path).next).toHaveBeenCalled();
  });
});
