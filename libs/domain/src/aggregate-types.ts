/** The domain's aggregate (stream category) names, as the event store records them. */
export const aggregateTypes = { product: 'product', order: 'order' } as const;

/** One of {@link aggregateTypes}. */
export type AggregateType = (typeof aggregateTypes)[keyof typeof aggregateTypes];
