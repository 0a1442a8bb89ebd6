import { type z } from 'zod';
import { apiKeySecuritySchemes, idSchema, jsonSchemaOf, problemResponse, problemSchema } from '@eventide/service-kit';
import { DEFAULT_CONSISTENCY_TIMEOUT_MS, MAX_CONSISTENCY_TIMEOUT_MS } from '../consistency/consistent-read';
import { historyQuery } from '../history/history.query';
import { customerOrdersQuery } from '../orders/orders.query';
import { productListQuery, productReadQuery } from '../products/products.query';
import * as wire from './wire-schemas';

type Json = Record<string, unknown>;

const ok = (schema: z.ZodType, description = 'OK') => ({ description, content: { 'application/json': { schema: jsonSchemaOf(schema) } } });

const errors = (consistent: boolean, withId: boolean): Json => ({
  '400': problemResponse('Invalid id, unknown or repeated query parameter, operator in place of a value, malformed cursor or consistency token (also a token of another tenant); `errors` lists each field'),
  '401': problemResponse('No API key, or an unknown one'),
  ...(withId ? { '404': problemResponse('No such id in your tenant') } : {}),
  '429': problemResponse('Rate limited: more requests per second than this key may send; retry after `Retry-After` seconds'),
  '503': problemResponse('A dependency (MongoDB or Redis) is down; see Retry-After'),
  ...(consistent ? { '504': problemResponse('The consistency token was not applied in time; the body names the projection (`projection`) and how far behind it is (`versionsBehind`, `appliedVersion`, `requiredVersion`)') } : {}),
});

const header = (name: string, schema: Json, description: string) => ({ name, in: 'header', required: false, schema, description });
const consistencyHeaders = [
  header('X-Consistency-Token', { type: 'string', maxLength: 512 }, 'Token a command returned: the answer waits until the read model behind this route has applied that write'),
  header('X-Consistency-Timeout-Ms', { type: 'integer', minimum: 1, maximum: MAX_CONSISTENCY_TIMEOUT_MS, default: DEFAULT_CONSISTENCY_TIMEOUT_MS }, 'How long to wait for the token before answering 504'),
];
const ifNoneMatch = header('If-None-Match', { type: 'string', example: '"3"' }, 'The ETag you hold: 304 without a body when it is still current');
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: jsonSchemaOf(idSchema) });
/** One query parameter per field of a strict query schema. */
const queryParams = (schema: z.ZodObject) => Object.entries(schema.shape).map(([name, field]) => ({ name, in: 'query', required: false, schema: jsonSchemaOf(field as z.ZodType) }));
const etagHeaders = { ETag: { schema: { type: 'string' }, description: 'The version, quoted' }, 'Cache-Control': { schema: { type: 'string', example: 'private, no-cache' } } };

interface Route {
  summary: string;
  description?: string;
  parameters: Json[];
  response: Json;
  consistent: boolean;
  withId: boolean;
  etag?: boolean;
}

const get = (route: Route): Json => ({
  get: {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: [{ apiKey: [] }, { bearer: [] }],
    parameters: [...route.parameters, ...(route.consistent ? consistencyHeaders : []), ...(route.etag ? [ifNoneMatch] : [])],
    responses: {
      '200': route.etag ? { ...route.response, headers: etagHeaders } : route.response,
      ...(route.etag ? { '304': { description: 'Not modified: the If-None-Match tag is current', headers: etagHeaders } } : {}),
      ...errors(route.consistent, route.withId),
    },
  },
});

const history = (what: string): Json =>
  get({
    summary: `Audit trail of one ${what}`,
    description: 'Every event of the stream exactly as stored (data in integer minor units, not wire money), in version order, read from the event store. The event store is always current, so no consistency token is needed (one sent is ignored).',
    parameters: [pathParam('id'), ...queryParams(historyQuery)],
    response: ok(wire.historyWire),
    consistent: false,
    withId: true,
  });

/** The query gateway's OpenAPI 3.1 document, built from the schemas that validate queries and describe answers. */
export function queryApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'Eventide query gateway', version: '1', description: 'Read models, audit history and temporal queries of products and orders, always within the tenant of your API key. Money is a number with at most two decimals, except in histories.' },
    paths: {
      '/v1/products': get({ summary: 'List products', description: 'In id order (stable while products change); `q` is a case-insensitive name prefix; prices are wire money.', parameters: queryParams(productListQuery), response: ok(wire.productPageWire), consistent: true, withId: false }),
      '/v1/products/{id}': get({
        summary: 'One product',
        description: 'The live ProductDetails view; with `asOf` or `atVersion` (not both) the product as it was, folded from the event store. A temporal read ignores X-Consistency-Token: the event store already holds every acknowledged write. 404 also when the product did not exist at that point.',
        parameters: [pathParam('id'), ...queryParams(productReadQuery)],
        response: ok(wire.productDetailsWire),
        consistent: true,
        withId: true,
        etag: true,
      }),
      '/v1/products/{id}/stock': get({ summary: 'Live stock of a product (Redis)', parameters: [pathParam('id')], response: ok(wire.productStockWire), consistent: true, withId: true }),
      '/v1/products/{id}/history': history('product'),
      '/v1/dashboard': get({ summary: 'Live dashboard of your tenant (Redis)', description: 'Counters, the 10 best-selling products and the 10 latest orders; zeros and empty lists for a tenant without orders.', parameters: [], response: ok(wire.dashboardWire), consistent: true, withId: false }),
      '/v1/orders/{id}': get({ summary: 'One order', parameters: [pathParam('id')], response: ok(wire.orderDetailsWire), consistent: true, withId: true, etag: true }),
      '/v1/orders/{id}/history': history('order'),
      '/v1/customers/{customerId}/orders': get({ summary: "A customer's orders, newest first", parameters: [pathParam('customerId'), ...queryParams(customerOrdersQuery)], response: ok(wire.customerOrdersPageWire), consistent: true, withId: false }),
    },
    components: {
      securitySchemes: apiKeySecuritySchemes,
      schemas: {
        Problem: problemSchema({
          projection: { type: 'string', description: '504 only: the projection that lags' },
          requiredVersion: { type: 'integer' },
          appliedVersion: { type: 'integer' },
          versionsBehind: { type: 'integer' },
          waitedMs: { type: 'integer' },
        }),
      },
    },
  };
}
