import { counterText, groupTable, groupsOf, renderMarkdown, type Results } from './report';
import type { PairResult } from './runner';
import { groupChart, latencyChart, short, xml } from './svg';

const pair = (over: Partial<PairResult>): PairResult => ({
  id: 'append-1x-c1',
  group: 'append',
  title: 'append 1 event/command, 1 concurrent',
  unit: 'events/s',
  higherIsBetter: true,
  baselineLabel: 'raw insertOne',
  goal: 0.8,
  status: 'ok',
  seconds: 3,
  samples: { ours: [{ value: 90 }], baseline: [{ value: 100 }] },
  ours: { median: 90, min: 85, max: 95, iqr: 5, relativeSpread: 0.1, latency: { p50: 1.5, p99: 4 } },
  baseline: { median: 100, min: 98, max: 104, iqr: 3, relativeSpread: 0.06, latency: { p50: 1, p99: 3 } },
  ratio: 0.9,
  goalMet: true,
  ...over,
});

const results: Results = {
  environment: { date: '2026-11-22T00:00:00Z', profile: 'quick', command: 'npm run bench', gitCommit: 'abc1234', machine: { cpu: 'Some CPU', cores: 2, memoryBytes: 2 ** 33, os: 'Linux' }, versions: { node: 'v20', kafka: '3.9.2' } },
  pairs: [pair({}), pair({ id: 'peer-1x-c1', group: 'peer', title: 'peer <1>', goal: 1, ratio: 0.5, goalMet: false }), pair({ id: 'commands-c16', group: 'commands', status: 'failed', error: 'ECONNREFUSED\nstack', ours: undefined, baseline: undefined, ratio: undefined, goalMet: undefined })],
};

describe('report', () => {
  describe('given pairs of several groups', () => {
    it('when grouping, then the known groups come in the report order', () => {
      expect(groupsOf(results.pairs)).toEqual(['commands', 'append', 'peer']);
    });
  });

  describe('given a measured pair and a failed one', () => {
    it('when tabulated, then the measured row has medians, ranges, ratio and goal, the failed one its error', () => {
      const table = groupTable(results.pairs);
      expect(table).toContain('| append 1 event/command, 1 concurrent | 90 events/s (85–95; p50 1.5 / p99 4 ms) | 100 events/s (98–104; p50 1 / p99 3 ms) (raw insertOne) | 0.9 | ≥ 0.8 | yes |');
      expect(table).toContain('**no**');
      expect(table).toContain('failed: ECONNREFUSED |');
    });
  });

  describe('given hand-written notes', () => {
    it('when rendering the markdown, then they are kept, with the machine, versions, command and charts', () => {
      const md = renderMarkdown(results, '## Interpretation\n\nKept by hand.\n', [{ group: 'append', file: 'benchmarks/append.svg' }], 'benchmarks/latency.svg');
      expect(md).toContain('## Interpretation\n\nKept by hand.');
      expect(md).toContain('Some CPU, 2 cores, 8.0 GiB');
      expect(md).toContain('node v20, kafka 3.9.2');
      expect(md).toContain('`npm run bench`');
      expect(md).toContain('![append: ours vs baseline](benchmarks/append.svg)');
      expect(md).toContain('![p50 and p99](benchmarks/latency.svg)');
    });
  });
});

describe('report of a run with --only', () => {
  it('marks the rows an earlier run measured', () => {
    const table = groupTable([pair({ measuredAt: '2026-11-21T00:00:00Z', profile: 'full' }), pair({ id: 'b', title: 'now', measuredAt: 'today' })], 'today');
    expect(table).toContain('| append 1 event/command, 1 concurrent *(earlier run: 2026-11-21T00:00:00Z, full)* |');
    expect(table).toContain('| now | 90 events/s');
  });
});

describe('svg', () => {
  it('escapes text and shortens numbers', () => {
    expect(xml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
    expect([short(12345.6), short(0.12345), short(42.42)]).toEqual(['12346', '0.123', '42.4']);
  });

  describe('given a group with a goal', () => {
    it('when charted, then each measured pair has two bars, its ratio and a goal line at goal x baseline', () => {
      const svg = groupChart('peer', [pair({ title: 'peer <1>', goal: 1, ratio: 0.5, ours: { median: 50, min: 50, max: 50, iqr: 0, relativeSpread: 0 } })]);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('peer &lt;1&gt;');
      expect(svg).toContain('ratio 0.5 (goal 1)');
      expect(svg.match(/<rect x="250" y="\d+" width="[\d.]+" height="14"/g)).toHaveLength(2);
      // The baseline (100) is the largest value, so the goal line (1 x 100) sits at the end of the bar area.
      expect(svg).toContain('<line x1="650.0"');
    });
  });

  describe('given pairs with latency', () => {
    it('when charted, then p50 and p99 of both sides are drawn', () => {
      const svg = latencyChart([pair({})]);
      expect(svg).toContain('p99 4 ms');
      expect(svg).toContain('p50 1 ms');
    });
  });
});

describe('counters over the repetitions', () => {
  const samples = [
    { value: 1, counters: { failed: 1, findPendingMs: 10, 'idle MB service': 130, 'cpu s/1k events service': 4 } },
    { value: 1, counters: { failed: 2, findPendingMs: 20, 'idle MB service': 150, 'cpu s/1k events service': 6 } },
    { value: 1, counters: { failed: 0, findPendingMs: 30, 'idle MB service': 140, 'cpu s/1k events service': 5 } },
  ];

  it('given counts, sizes and rates, when written, then counts are summed and sizes and rates are medians with their range', () => {
    expect(counterText(samples)).toBe('failed 3, find pending ms 60, idle MB service 140 (130–150), cpu s/1k events service 5 (4–6)');
  });
});
