/** A function that wakes the outbox publisher right after a commit. */
export const PUBLISHER_NUDGE = Symbol('PUBLISHER_NUDGE');
