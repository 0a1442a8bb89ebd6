/**
 * Counts failed attempts per event, for failures that are not a server or a race (those are
 * retried for as long as it takes). Once an event has used its budget the caller moves past it.
 */
export class AttemptBudget {
  private readonly attempts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Records a failure; true when the event has now failed `max` times (and forgets it). */
  exhausted(eventId: string): boolean {
    const attempts = (this.attempts.get(eventId) ?? 0) + 1;
    if (attempts < this.max) {
      this.attempts.set(eventId, attempts);
      return false;
    }
    this.attempts.delete(eventId);
    return true;
  }

  /** The event succeeded: its count starts over. */
  succeeded(eventId: string): void {
    this.attempts.delete(eventId);
  }
}
