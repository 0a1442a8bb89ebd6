import { z } from 'zod';
import { idSchema, ProblemError } from '@eventide/service-kit';
import { customerOrderCursor } from '../orders/orders.query';
import { productCursor } from '../products/products.query';
import { decodeCursor, encodeCursor, pageOf } from './cursor';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function refusal(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a ProblemError');
}

describe('cursor', () => {
  it('round-trips a product cursor and a customer-orders cursor', () => {
    expect(decodeCursor(encodeCursor(['p-1']), productCursor)).toEqual(['p-1']);
    const point = ['2024-03-01T12:00:00.000Z', 'o_9'] as const;
    expect(decodeCursor(encodeCursor(point), customerOrderCursor)).toEqual(point);
  });

  it('is opaque and URL-safe', () => {
    expect(encodeCursor(['a/b+c', 'ü'])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64url', '!!!'],
    ['padding', `${b64('["p1"]')}=`],
    ['empty', ''],
    ['too long', 'A'.repeat(513)],
    ['not JSON', b64('p1')],
    ['an object', b64('{"$gt":""}')],
    ['an operator in place of the id', b64('[{"$gt":""}]')],
    ['a number in place of the id', b64('[1]')],
    ['extra values', b64('["p1","p2"]')],
    ['no values', b64('[]')],
    ['a traversal id', b64('["../../etc"]')],
    ['a non-canonical encoding', b64('[ "p1"]')],
  ])('refuses %s with a 400 problem naming the cursor', (_, raw) => {
    const error = refusal(() => decodeCursor(raw, productCursor));
    expect(error.problem.status).toBe(400);
    expect(error.problem.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });

  it('refuses a customer-orders cursor whose date is not an ISO instant', () => {
    expect(refusal(() => decodeCursor(encodeCursor(['yesterday', 'o1']), customerOrderCursor)).problem.status).toBe(400);
    expect(refusal(() => decodeCursor(encodeCursor(['p1']), customerOrderCursor)).problem.status).toBe(400);
  });

  it('checks against any tuple shape', () => {
    expect(decodeCursor(encodeCursor([3, 'x']), z.tuple([z.number().int(), idSchema]))).toEqual([3, 'x']);
  });
});

describe('pageOf', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('shows `limit` rows and a cursor to the last shown when one more was fetched', () => {
    const page = pageOf(rows, 2, (r) => r.id, (r) => [r.id]);
    expect(page.items).toEqual(['a', 'b']);
    expect(decodeCursor(page.nextCursor as string, productCursor)).toEqual(['b']);
  });

  it('has no next cursor on the last page', () => {
    expect(pageOf(rows, 3, (r) => r.id, (r) => [r.id])).toEqual({ items: ['a', 'b', 'c'], nextCursor: null });
    expect(pageOf([], 3, (r: { id: string }) => r.id, (r) => [r.id])).toEqual({ items: [], nextCursor: null });
  });
});
