import { commandApiDocument } from './command-api.openapi';
import { createProductBody, priceSchema } from '../commands/request-schemas';

type Body = { properties: Record<string, Record<string, unknown>> };

describe('command API OpenAPI document', () => {
  const doc = commandApiDocument() as { paths: Record<string, { post: { requestBody: { content: { 'application/json': { schema: Body } } } } }> };
  const body = (path: string) => (doc.paths[path] as (typeof doc.paths)[string]).post.requestBody.content['application/json'].schema;

  it('documents money as strictly positive with at most two decimals', () => {
    const money = { type: 'number', exclusiveMinimum: 0, maximum: 1e9, multipleOf: 0.01 };
    expect(body('/v1/products').properties['price']).toEqual(money);
    expect(body('/v1/products/{id}/price').properties['price']).toEqual(money);
    expect(body('/v1/orders/{id}/payments').properties['amount']).toEqual(money);
  });

  it('documents that trimmed texts need a character that is not blank', () => {
    const name = body('/v1/products').properties['name'] as { pattern: string; minLength: number; maxLength: number };
    expect(name).toMatchObject({ minLength: 1, maxLength: 200 });
    const pattern = new RegExp(name.pattern);
    for (const blank of [' ', '\t\n', '\u00a0\u3000\ufeff']) expect(pattern.test(blank)).toBe(false);
    expect(pattern.test('  a ')).toBe(true);
    expect(body('/v1/orders/{id}/cancel').properties['reason']).toMatchObject({ pattern: name.pattern });
  });

  it('accepts what the document allows and refuses what it excludes', () => {
    // Multiples of 0.01 as a generator computes them (k * 0.01 in binary floating point) are accepted,
    // up to the maximum; more decimals and 0 are refused.
    for (const k of [1, 7, 29, 30, 12_345, 66_966_774_492, 100_000_000_000]) expect(priceSchema.safeParse(k * 0.01).success).toBe(true);
    for (const refused of [0, 0.001, 1.005, 19.999, 1e-9, -0.01]) expect(priceSchema.safeParse(refused).success).toBe(false);
    expect(createProductBody.safeParse({ name: '\ufeff ', price: 1, quantity: 0 }).success).toBe(false);
  });
});
