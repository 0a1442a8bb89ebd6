const escapePart = (part: string): string => part.replace(/%/g, '%25').replace(/\|/g, '%7C').replace(/\{/g, '%7B').replace(/\}/g, '%7D');

/** MongoDB collection of a document view in one generation, e.g. `rm_product_details_g3`. */
export function readModelCollection(view: string, generation: number): string {
  return `rm_${view.replace(/[^A-Za-z0-9]/g, '_')}_g${generation}`;
}

/** `_id` of a stream's document in a view: tenant and aggregate id, injective. */
export function readModelId(tenant: string, aggregateId: string): string {
  return `${escapePart(tenant)}|${escapePart(aggregateId)}`;
}

/** Prefix of every Redis key of one family's generation, e.g. `rm:projector-redis:g2:`. */
export function redisGenerationPrefix(family: string, generation: number): string {
  return `rm:${family}:g${generation}:`;
}

/**
 * Full Redis key of a read-model key of one tenant. The tenant is the hash tag, so one tenant's keys
 * live in one Redis Cluster slot and a script may touch several of them.
 */
export function redisReadModelKey(family: string, generation: number, tenant: string, key: string): string {
  return `${redisGenerationPrefix(family, generation)}{${escapePart(tenant)}}:${key}`;
}

/** Marker that a Redis generation holds a complete model (absent after a FLUSHALL). */
export function redisCompleteMarker(family: string, generation: number): string {
  return `${redisGenerationPrefix(family, generation)}complete`;
}
