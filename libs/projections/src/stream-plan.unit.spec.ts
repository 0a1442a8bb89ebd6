import fc from 'fast-check';
import { nextVersion, planStream } from './stream-plan';

const ev = (version: number) => ({ version });

describe('planStream', () => {
  it('given nothing applied, when versions 1..3 arrive in order, then it applies them', () => {
    expect(planStream(0, [ev(1), ev(2), ev(3)])).toEqual({ kind: 'apply', events: [ev(1), ev(2), ev(3)] });
  });

  it('given version 2 applied, when 1 and 2 arrive again, then there is nothing to do', () => {
    expect(planStream(2, [ev(1), ev(2), ev(2)])).toEqual({ kind: 'nothing' });
  });

  it('given version 1 applied, when 3 and 2 arrive reordered with a duplicate, then it applies 2 then 3', () => {
    expect(planStream(1, [ev(3), ev(2), ev(3)])).toEqual({ kind: 'apply', events: [ev(2), ev(3)] });
  });

  it('given version 1 applied, when 4 arrives, then it asks the store for 2..4', () => {
    expect(planStream(1, [ev(4)])).toEqual({ kind: 'fill', from: 2, to: 4 });
  });

  it('given version 2 skipped by an operator, when 3 arrives after 1, then it applies 3', () => {
    expect(planStream(1, [ev(3)], new Set([2]))).toEqual({ kind: 'apply', events: [ev(3)] });
    expect(nextVersion(1, new Set([2, 3]))).toBe(4);
  });

  it('applies each event exactly once and in order, whatever the topic does (duplicates, reordering, gaps, batch splits)', () => {
    const scenario = fc
      .integer({ min: 1, max: 30 })
      .chain((n) =>
        fc.record({
          n: fc.constant(n),
          // Each delivered version appears 0..3 times; missing ones are gaps the store must fill.
          deliveries: fc.array(fc.integer({ min: 1, max: n }), { maxLength: 3 * n }),
          batchSize: fc.integer({ min: 1, max: 8 }),
          skipped: fc.uniqueArray(fc.integer({ min: 1, max: n }), { maxLength: 3 }),
        }),
      )
      .map((s) => ({ ...s, deliveries: [...s.deliveries, s.n] }));
    fc.assert(
      fc.property(scenario, ({ n, deliveries, batchSize, skipped }) => {
        const skip = new Set(skipped);
        const store = Array.from({ length: n }, (_, i) => ev(i + 1));
        const appliedLog: number[] = [];
        let applied = 0;
        for (let i = 0; i < deliveries.length; i += batchSize) {
          const plan = planStream(applied, deliveries.slice(i, i + batchSize).map(ev), skip);
          const events = plan.kind === 'apply' ? plan.events : plan.kind === 'fill' ? store.slice(plan.from - 1, plan.to) : [];
          for (const e of events) if (!skip.has(e.version)) appliedLog.push(e.version);
          applied = events.at(-1)?.version ?? applied;
        }
        expect(appliedLog).toEqual(store.map((e) => e.version).filter((v) => !skip.has(v)));
      }),
      { numRuns: 500 },
    );
  });
});
