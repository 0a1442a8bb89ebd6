import { type z } from 'zod';
import { apiKeySecuritySchemes, jsonSchemaOf, problemResponse, problemSchema } from '@eventide/service-kit';
import * as bodies from '../commands/request-schemas';

type Json = Record<string, unknown>;

const commonErrors = {
  '400': problemResponse('Malformed JSON, invalid or unknown fields, operators in place of values; `errors` lists each field'),
  '401': problemResponse('No API key, or an unknown one'),
  '409': problemResponse('`If-Match` is stale (the body names the current version), or the same Idempotency-Key is still running'),
  '413': problemResponse('Body over 100 kB'),
  '415': problemResponse('Body is not application/json'),
  '422': problemResponse('A business rule refused the command (`reason` says which), or an Idempotency-Key reused with another body'),
  '429': problemResponse('Rate limited: more requests per second than this key may send; retry after `Retry-After` seconds'),
  '503': problemResponse('MongoDB or Kafka is unreachable; see Retry-After'),
};

const headers = [
  { name: 'If-Match', in: 'header', required: false, schema: { type: 'string', pattern: '^(W/)?"?[0-9]{1,15}"?$', example: '"3"' }, description: 'Run only if the aggregate is still at this version (`"3"`, `3` or `W/"3"`)' },
  { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 }, description: 'A retry with the same key and body returns the first answer and runs once' },
  { name: 'X-Correlation-Id', in: 'header', required: false, schema: { type: 'string', maxLength: 128 }, description: 'Carried into every event the command causes' },
  { name: 'traceparent', in: 'header', required: false, schema: { type: 'string' }, description: 'W3C trace context, carried through Kafka headers' },
];
const idParam = { name: 'id', in: 'path', required: true, schema: jsonSchemaOf(bodies.idSchema) };

function command(summary: string, body: z.ZodType, created: boolean, withId: boolean, extraErrors: Json = {}): Json {
  return {
    post: {
      summary,
      security: [{ apiKey: [] }, { bearer: [] }],
      parameters: withId ? [idParam, ...headers] : headers,
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(body) } } },
      responses: {
        [created ? '201' : '200']: { description: created ? 'Created' : 'Done', content: { 'application/json': { schema: { $ref: '#/components/schemas/CommandResult' } } } },
        ...commonErrors,
        // A create with If-Match asks for a version of an id that does not exist yet.
        '404': problemResponse(withId ? 'No such id in your tenant' : '`If-Match` names a version, and there is no such id in your tenant'),
        ...extraErrors,
      },
    },
  };
}

/** The command API's OpenAPI 3.1 document, built from the same schemas that validate requests. */
export function commandApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'Eventide command API', version: '1', description: 'Commands on products and orders. Every success returns a consistency token for read-your-writes.' },
    paths: {
      '/v1/products': command('Create a product', bodies.createProductBody, true, false, { '409': problemResponse('A product with this id exists') }),
      '/v1/products/{id}/price': command('Change the price', bodies.updatePriceBody, false, true),
      '/v1/products/{id}/restock': command('Add stock', bodies.restockBody, false, true),
      '/v1/products/{id}/reservations': command('Reserve stock for an order', bodies.reserveBody, false, true),
      '/v1/products/{id}/releases': command("Release an order's reservation", bodies.releaseBody, false, true),
      '/v1/orders': command('Place an order at the current prices', bodies.placeOrderBody, true, false, { '409': problemResponse('An order with this id exists') }),
      '/v1/orders/{id}/payments': command('Capture the payment of a confirmed order', bodies.capturePaymentBody, false, true),
      '/v1/orders/{id}/cancel': command('Cancel an order that is not paid', bodies.cancelOrderBody, false, true),
    },
    components: {
      securitySchemes: apiKeySecuritySchemes,
      schemas: {
        CommandResult: {
          type: 'object',
          required: ['id', 'version', 'consistencyToken'],
          properties: { id: { type: 'string' }, version: { type: 'integer', minimum: 1 }, consistencyToken: { type: 'string' } },
        },
        Problem: problemSchema({ reason: { type: 'string' } }),
      },
    },
  };
}
