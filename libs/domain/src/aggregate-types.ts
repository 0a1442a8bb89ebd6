/** Stream categories of the domain; the event store names streams `<aggregateType>-<id>`-style from these. */
export const aggregateTypes = { product: 'product', order: 'order' } as const;

/** One of {@link aggregateTypes}. */
export type AggregateType = (typeof aggregateTypes)[keyof typeof aggregateTypes];
