import type { BenchContext, BenchPair } from './pair';
import { runPair, selected, sideOrder } from './runner';

const context: BenchContext = { mongoUrl: '', kafkaBrokers: [], redisUrl: '', dbName: 'd', topicPrefix: 't.', tenant: 't', profile: 'quick', log: () => undefined };

function recordingPair(calls: string[], fail?: string): BenchPair {
  return {
    id: 'append-1x-c16',
    group: 'append',
    title: 't',
    unit: 'events/s',
    higherIsBetter: true,
    baselineLabel: 'raw',
    goal: 0.8,
    setup: async () => void calls.push('setup'),
    ours: async (r) => {
      calls.push(`A${r}`);
      if (fail === `A${r}`) throw new Error('boom');
      return { value: 90 };
    },
    baseline: async (r) => {
      calls.push(`B${r}`);
      return { value: 100 };
    },
    teardown: async () => void calls.push('teardown'),
  };
}

describe('runner', () => {
  describe('given a pair that works', () => {
    it('when run, then it warms up once per side and alternates the first side every repetition', async () => {
      const calls: string[] = [];
      const result = await runPair(recordingPair(calls), context, 3);
      expect(calls).toEqual(['setup', 'A-1', 'B-1', 'A0', 'B0', 'B1', 'A1', 'A2', 'B2', 'teardown']);
      expect(result).toMatchObject({ status: 'ok', ratio: 0.9, goalMet: true, ours: { median: 90 }, baseline: { median: 100 } });
      expect(result.samples.ours).toHaveLength(3);
    });
  });

  describe('given a pair that fails in a repetition', () => {
    it('when run, then it is reported as failed with its error and torn down', async () => {
      const calls: string[] = [];
      const result = await runPair(recordingPair(calls, 'A1'), context, 3);
      expect(result.status).toBe('failed');
      expect(result.error).toContain('boom');
      expect(calls.at(-1)).toBe('teardown');
    });
  });

  describe('given an --only filter', () => {
    it('when it names a group or part of an id, then only those pairs are selected', () => {
      const pair = { id: 'append-10x-c64', group: 'append' };
      expect(selected(pair, undefined)).toBe(true);
      expect(selected(pair, 'append')).toBe(true);
      expect(selected(pair, '10x')).toBe(true);
      expect(selected(pair, 'peer,c64')).toBe(true);
      expect(selected(pair, 'peer')).toBe(false);
    });
  });

  it('orders the sides A B, B A, A B ...', () => {
    expect([0, 1, 2].map(sideOrder)).toEqual([
      ['ours', 'baseline'],
      ['baseline', 'ours'],
      ['ours', 'baseline'],
    ]);
  });
});
