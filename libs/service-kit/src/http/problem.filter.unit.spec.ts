import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { MongoServerSelectionError } from 'mongodb';
import { DomainError } from '@eventide/util';
import { isDependencyDown, problemFor } from './problem.filter';
import { problem, ProblemError } from './problem';

describe('problemFor', () => {
  it.each([
    ['validation', 400],
    ['not-found', 404],
    ['conflict', 409],
    ['concurrency', 409],
    ['business-rule', 422],
  ] as const)('maps a %s domain error to %i', (code, status) => {
    expect(problemFor(new DomainError(code, 'no', 'why')).body.status).toBe(status);
  });

  it('keeps the status when a detail is named like one', () => {
    const { body } = problemFor(new DomainError('business-rule', 'not confirmed', 'order-not-confirmed', { status: 'pending' }));
    expect(body.status).toBe(422);
    expect(body.reason).toBe('order-not-confirmed');
  });

  it('answers 503 with Retry-After when MongoDB cannot be reached', () => {
    const down = new MongoServerSelectionError('connect ECONNREFUSED', { type: 'Unknown', servers: new Map(), stale: false, compatible: true, heartbeatFrequencyMS: 0, localThresholdMS: 0, setName: null, maxElectionId: null, maxSetVersion: null, commonWireVersion: 0, logicalSessionTimeoutMinutes: null } as never);
    expect(problemFor(down)).toMatchObject({ body: { status: 503 }, headers: { 'Retry-After': '2' } });
    expect(problemFor(Object.assign(new Error('x'), { code: 'store-unavailable' })).body.status).toBe(503);
  });

  it('maps body-parser and routing errors to their 4xx', () => {
    expect(problemFor(Object.assign(new Error('bad'), { status: 400, type: 'entity.parse.failed' })).body.type).toMatch(/malformed-json$/);
    expect(problemFor(new PayloadTooLargeException()).body.status).toBe(413);
    expect(problemFor(new NotFoundException()).body.status).toBe(404);
    expect(problemFor(new BadRequestException()).body.status).toBe(400);
  });

  it('answers a client fault http-errors flags (a body that does not inflate) with its 4xx, not a 500', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', status: 400, statusCode: 400, expose: true });
    expect(problemFor(zlib).body.status).toBe(400);
  });

  it('passes a ProblemError through with its headers', () => {
    expect(problemFor(new ProblemError(problem('unauthenticated'), { 'WWW-Authenticate': 'Bearer' }))).toMatchObject({ body: { status: 401 }, headers: { 'WWW-Authenticate': 'Bearer' } });
  });

  it('hides anything unexpected behind a plain 500', () => {
    expect(problemFor(new TypeError('secret internals')).body).toEqual({ type: 'https://eventide.dev/problems/internal-error', title: 'Internal error', status: 500 });
  });
});

describe('a Redis that is away', () => {
  it('is a dependency down (503 with Retry-After), not a 500', () => {
    const outOfRetries = Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' });
    const closed = new Error('Connection is closed.');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    for (const error of [outOfRetries, closed, refused]) expect(isDependencyDown(error)).toBe(true);
    expect(isDependencyDown(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
  });
});
