import { z } from 'zod';
import { problemTypes } from './problem';

type Json = Record<string, unknown>;

/** A zod schema as the JSON Schema OpenAPI documents embed: the input side, without `$schema`. */
export function jsonSchemaOf(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete json['$schema'];
  return json;
}

/** A problem+json response of the given meaning. */
export const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/** Both ways of presenting an API key: `X-Api-Key` and `Authorization: Bearer`. */
export const apiKeySecuritySchemes = { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' }, bearer: { type: 'http', scheme: 'bearer' } } as const;

/** The RFC 9457 problem every error answers with, plus the members an API adds. */
export function problemSchema(extensions: Json = {}): Json {
  return {
    type: 'object',
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string', enum: Object.keys(problemTypes).map((k) => `https://eventide.dev/problems/${k}`) },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      instance: { type: 'string' },
      errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      ...extensions,
    },
  };
}
