export { assertNever } from './assert-never';
export { type Decider, replay } from './decider';
export { DomainError, isDomainError, type ErrorCode, type FieldError } from './errors';
export type { DocumentProjection, ProjectedEvent, ReadModelIndex, RedisProjection, RedisWrite } from './projection';
