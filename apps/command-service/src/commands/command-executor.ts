import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { DomainError, type Decider } from '@eventide/util';
import { encodeConsistencyToken } from '@eventide/service-kit';
import { AggregateRepository, isConcurrencyError, isStoreUnavailable } from '@eventide/event-store';
import type { RequestContext } from './request-context';
import { PUBLISHER_NUDGE } from '../publishing/publisher.tokens';

export interface CommandResult {
  id: string;
  version: number;
  consistencyToken: string;
}

const commands = new Counter({ name: 'commands_total', help: 'Commands handled, by command type and outcome', labelNames: ['command', 'outcome'] });
const appendSeconds = new Histogram({
  name: 'command_handling_seconds',
  help: 'Time to load, decide and append one command',
  labelNames: ['command'],
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/**
 * An `If-Match` on a stream that does not exist (in the caller's tenant) is a 404 like the same
 * command without it, not a 409 naming version 0: the client conditioned on something that is not there.
 */
export function unknownWhenAbsent(error: unknown, aggregateType: string, context: Pick<RequestContext, 'expectedVersion'>): unknown {
  if (!isConcurrencyError(error) || context.expectedVersion === undefined || error.actualVersion !== 0) return error;
  return new DomainError('not-found', `${aggregateType} does not exist`, `${aggregateType}-not-found`);
}

/**
 * Runs one command against one aggregate: load (snapshot + tail), decide, append with optimistic
 * concurrency (retried a bounded number of times on an internal race; a client's stale If-Match is
 * not retried), then nudges the publisher. A store that cannot be reached becomes a 503.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    private readonly repository: AggregateRepository,
    @Inject(PUBLISHER_NUDGE) private readonly nudgePublisher: () => void,
  ) {}

  async execute<C extends { type: string }, E extends { type: string; data: object }, S>(
    decider: Decider<C, E, S>,
    aggregateType: string,
    aggregateId: string,
    command: C,
    context: RequestContext,
    /** A create under a fresh id: decided without a read (the repository's `expectNew`). */
    expectNew = false,
  ): Promise<CommandResult> {
    const stop = appendSeconds.startTimer({ command: command.type });
    try {
      const result = await this.repository.handle(decider, { tenant: context.tenant, aggregateType, aggregateId }, command, {
        expectedVersion: context.expectedVersion,
        resumed: context.idempotency?.resumed,
        expectNew,
        context: {
          ...(context.idempotency ? { idempotencyKey: context.idempotency.commandKey } : {}),
          correlationId: context.correlationId,
          causationId: context.correlationId,
          occurredAt: new Date(),
          ...(context.traceparent ? { traceparent: context.traceparent } : {}),
          ...(context.tracestate ? { tracestate: context.tracestate } : {}),
        },
      });
      commands.inc({ command: command.type, outcome: result.replayed ? 'replayed' : result.events.length ? 'accepted' : 'no-op' });
      if (result.events.length) this.nudgePublisher();
      // From the result: a replayed create answers with the id its first attempt chose.
      const id = result.stream.aggregateId;
      return {
        id,
        version: result.toVersion,
        consistencyToken: encodeConsistencyToken({ tenant: context.tenant, aggregateType, aggregateId: id, version: result.toVersion }),
      };
    } catch (error) {
      commands.inc({ command: command.type, outcome: isStoreUnavailable(error) ? 'unavailable' : 'refused' });
      throw unknownWhenAbsent(error, aggregateType, context);
    } finally {
      stop();
    }
  }
}
