import { queryApiDocument } from './query-api.openapi';

type Operation = { parameters: { name: string; in: string; schema?: Record<string, unknown> }[]; responses: Record<string, unknown> };

describe('query API OpenAPI document', () => {
  const doc = queryApiDocument() as { paths: Record<string, { get: Operation }> };
  const operations = Object.entries(doc.paths);

  it('documents every route of the gateway', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/v1/customers/{customerId}/orders', '/v1/dashboard', '/v1/orders/{id}', '/v1/orders/{id}/history', '/v1/products', '/v1/products/{id}', '/v1/products/{id}/history', '/v1/products/{id}/stock'].sort(),
    );
  });

  it.each(operations)('%s documents 200 and every common error', (_, { get }) => {
    for (const status of ['200', '400', '401', '429', '503']) expect(get.responses).toHaveProperty(status);
  });

  it('documents the query parameters from the validating schemas, and the headers', () => {
    const names = (path: string) => (doc.paths[path] as { get: Operation }).get.parameters.map((p) => p.name);
    expect(names('/v1/products')).toEqual(expect.arrayContaining(['limit', 'cursor', 'minPrice', 'maxPrice', 'q', 'X-Consistency-Token', 'X-Consistency-Timeout-Ms']));
    expect(names('/v1/products/{id}')).toEqual(expect.arrayContaining(['id', 'asOf', 'atVersion', 'If-None-Match']));
    expect(names('/v1/orders/{id}/history')).toEqual(expect.arrayContaining(['fromVersion', 'limit']));
    expect((doc.paths['/v1/products/{id}'] as { get: Operation }).get.responses).toHaveProperty('504');
    expect((doc.paths['/v1/products/{id}'] as { get: Operation }).get.responses).toHaveProperty('304');
  });

  it('documents the bounds the validation enforces after the string is parsed', () => {
    const schema = (path: string, name: string) => (doc.paths[path] as { get: Operation }).get.parameters.find((p) => p.name === name)?.schema;
    expect(schema('/v1/products', 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(schema('/v1/customers/{customerId}/orders', 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(schema('/v1/orders/{id}/history', 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    for (const path of ['/v1/products/{id}/history', '/v1/orders/{id}/history']) expect(schema(path, 'fromVersion')).toMatchObject({ type: 'integer', minimum: 1, maximum: 999_999_999_999_999 });
    expect(schema('/v1/products/{id}', 'atVersion')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(schema('/v1/products/{id}', 'atVersion')?.['description']).toMatch(/not together with `asOf`/);
    expect(schema('/v1/products/{id}', 'asOf')?.['description']).toMatch(/not together with `atVersion`/);
    // Money in a query: not negative, at most two decimals.
    expect(schema('/v1/products', 'minPrice')).toMatchObject({ type: 'string', pattern: '^\\d{1,11}(\\.\\d{1,2})?$' });
  });
});
