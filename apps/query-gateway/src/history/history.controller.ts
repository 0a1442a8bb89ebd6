import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { aggregateTypes } from '@eventide/domain';
import { MongoEventStore } from '@eventide/event-store';
import { ApiKeyGuard, problem, ProblemError, Tenant } from '@eventide/service-kit';
import { parseQuery, pathId } from '../http/query';
import { toHistoryEvent } from './history.mapper';
import { historyQuery, historyRange } from './history.query';

/**
 * Audit trails straight from the event store, exactly as stored. No `@ReadsFrom`: the store holds
 * every acknowledged write, so there is nothing to wait for and a consistency token is ignored.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class HistoryController {
  constructor(@Inject(MongoEventStore) private readonly store: MongoEventStore) {}

  @Get('products/:id/history')
  product(@Tenant() tenant: string, @Param('id') id: string, @Query() query: unknown) {
    return this.history(tenant, aggregateTypes.product, id, query);
  }

  @Get('orders/:id/history')
  order(@Tenant() tenant: string, @Param('id') id: string, @Query() query: unknown) {
    return this.history(tenant, aggregateTypes.order, id, query);
  }

  private async history(tenant: string, aggregateType: string, raw: string, rawQuery: unknown) {
    const aggregateId = pathId(raw);
    const query = parseQuery(historyQuery, rawQuery);
    const stream = { tenant, aggregateType, aggregateId };
    // The head first (a cheap lookup): an unknown stream is a 404 and a page past the head is empty,
    // without asking the store for versions that do not exist (which it can only answer by scanning).
    const head = await this.store.streamVersion(stream);
    if (head === 0) throw new ProblemError(problem('not-found', { detail: `no ${aggregateType} ${aggregateId}` }));
    if ((query.fromVersion ?? 1) > head) return { events: [] };
    const events = await this.store.readStream(stream, historyRange(query));
    return { events: events.map(toHistoryEvent) };
  }
}
