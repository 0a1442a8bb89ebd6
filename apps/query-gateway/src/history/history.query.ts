import { z } from 'zod';
import { limitParam, versionParam } from '../http/query';

/** Most events one history page returns. */
export const MAX_HISTORY_EVENTS = 1000;

/** `GET /v1/{products|orders}/{id}/history`: from which version, and how many events. */
export const historyQuery = z.strictObject({
  fromVersion: versionParam.default(1),
  limit: limitParam(MAX_HISTORY_EVENTS, MAX_HISTORY_EVENTS),
});

export type HistoryQuery = z.infer<typeof historyQuery>;

/** The versions a history request covers, for `readStream`. */
export const historyRange = (query: HistoryQuery) => ({ fromVersion: query.fromVersion, toVersion: query.fromVersion + query.limit - 1 });
