import { fold, isOurs, markdownSummary, origin, parseProfile, selfByOrigin, topSelf, topTotal, type CpuProfile, type ProfileNode } from './cpuprofile';
import { flameGraphSvg } from './flamegraph';

const ROOT = '/repo';
const frame = (id: number, functionName: string, url = '', lineNumber = -1, children?: number[]): ProfileNode => ({
  id,
  callFrame: { functionName, scriptId: 0, url, lineNumber, columnNumber: 0 },
  hitCount: 0,
  ...(children ? { children } : {}),
});

/**
 * (root) -> (program), (idle), (garbage collector), main -> work [node 6] -> leaf, and main -> work
 * [node 7] again: V8 gives the same function two nodes, which must merge into one stack.
 */
function tinyProfile(): CpuProfile {
  return {
    nodes: [
      frame(1, '(root)', '', -1, [2, 3, 4, 5]),
      frame(2, '(program)'),
      frame(3, '(idle)'),
      frame(4, 'main', `file://${ROOT}/libs/a.js`, 0, [6, 7]),
      frame(5, '(garbage collector)'),
      frame(6, 'work', `file://${ROOT}/libs/a.js`, 9, [8]),
      frame(7, 'work', `file://${ROOT}/libs/a.js`, 9),
      frame(8, 'serialize', `file://${ROOT}/node_modules/bson/lib/bson.cjs`, 2),
    ],
    startTime: 0,
    endTime: 10_500,
    // One sample every millisecond, taken at 1000, 2000 ... 10000 µs.
    samples: [3, 3, 6, 8, 7, 2, 5, 8, 4, 3],
    timeDeltas: Array.from({ length: 10 }, () => 1000),
  };
}

describe('cpuprofile', () => {
  describe('given a tiny profile with idle, GC, program and two nodes of the same function', () => {
    const folded = fold([parseProfile(JSON.stringify(tinyProfile()))], { root: ROOT });

    it('when folded, then every sample is counted and the special entries are reported apart', () => {
      expect(folded.samples).toBe(10);
      expect(folded.special).toEqual({ '(idle)': 3, '(program)': 1, '(garbage collector)': 1 });
      // Nine intervals of 1 ms to the next sample, and 0.5 ms from the last one to the end.
      expect(folded.wallMs).toBeCloseTo(9.5);
    });

    it('when folded, then identical stacks are merged and totals include the callees', () => {
      const main = folded.root.children.find((c) => c.frame.name === 'main');
      expect(main).toMatchObject({ frame: { name: 'main', file: 'libs/a.js', line: 1 }, self: 1, total: 5 });
      expect(main?.children).toHaveLength(1);
      const work = main?.children[0];
      expect(work).toMatchObject({ frame: { name: 'work', line: 10 }, self: 2, total: 4 });
      expect(work?.children.map((c) => [c.frame.name, c.self, c.total])).toEqual([['serialize', 2, 2]]);
    });

    it('when ranking by self time, then (idle) is left out and shares are of all and of busy samples', () => {
      const rows = topSelf(folded, 15);
      expect(rows.map((r) => [r.frame.name, r.self])).toEqual([
        ['serialize', 2],
        ['work', 2],
        ['(garbage collector)', 1],
        ['(program)', 1],
        ['main', 1],
      ]);
      expect(rows[0]?.ofAll).toBeCloseTo(0.2);
      expect(rows[0]?.ofBusy).toBeCloseTo(2 / 7);
      expect(topSelf(folded, 2)).toHaveLength(2);
    });

    it('when summing self time by origin, then npm packages and our folders are told apart', () => {
      expect(origin('node_modules/bson/lib/bson.cjs')).toBe('bson');
      expect(origin('node_modules/@nestjs/core/router.js')).toBe('@nestjs/core');
      expect(origin('dist/image/libs/event-store/src/store.js')).toBe('libs/event-store');
      expect(origin('node:internal/streams/readable')).toBe('node internals');
      expect(selfByOrigin(folded).map((r) => [r.origin, r.self])).toEqual([
        ['libs/a.js', 3],
        ['bson', 2],
        ['(garbage collector)', 1],
        ['(program)', 1],
      ]);
    });

    it('when ranking our functions by inclusive time, then callees count and npm packages are left out', () => {
      expect(topTotal(folded, isOurs).map((r) => [r.frame.name, r.total])).toEqual([
        ['main', 5],
        ['work', 4],
      ]);
    });

    it('when summarised in markdown, then the table names function, file and line and the idle share', () => {
      const md = markdownSummary(folded, 'tiny');
      expect(md).toContain('(idle) 30.0 %');
      expect(md).toContain('(garbage collector) 10.0 %');
      expect(md).toContain('| 1 | serialize (node_modules/bson/lib/bson.cjs:3) | 2 | 20.0 % | 28.6 % |');
    });

    it('when drawn, then (idle) is left out, widths follow the busy samples and every frame has a tooltip', () => {
      const svg = flameGraphSvg(folded, 'tiny');
      // 7 busy samples over 1180 px: main covers 5 of them.
      expect(svg).toContain(`width="${((5 * 1180) / 7).toFixed(2)}"`);
      expect(svg).toContain('<title>work (libs/a.js:10)\n4 samples, 57.1 % of busy (self 2)');
      expect(svg).not.toMatch(/<title>\(idle\)/);
      expect(svg).toContain('(idle) 30.0 % left out');
      expect(svg).toContain('<title>all busy samples\n7 samples, 100.0 % of busy');
    });
  });

  describe('given a time window', () => {
    it('when folded with it, then only the samples taken inside it count', () => {
      const folded = fold([tinyProfile()], { root: ROOT, windows: [{ start: 3000, end: 5000 }] });
      expect(folded.samples).toBe(3);
      expect(folded.special['(idle)']).toBe(0);
      expect(topSelf(folded).map((r) => [r.frame.name, r.self])).toEqual([
        ['work', 2],
        ['serialize', 1],
      ]);
    });
  });

  describe('given two profiles of the same code', () => {
    it('when folded together, then their identical stacks merge', () => {
      const folded = fold([tinyProfile(), tinyProfile()], { root: ROOT });
      expect(folded.samples).toBe(20);
      expect(folded.profiles).toBe(2);
      expect(folded.root.children.filter((c) => c.frame.name === 'main')).toHaveLength(1);
    });
  });

  describe('given text that is not a profile', () => {
    it('when parsed, then it is refused', () => {
      expect(() => parseProfile('{"foo":1}')).toThrow('not a CPU profile');
    });
  });
});

describe('cpuprofile inclusive time', () => {
  describe('given a recursive function', () => {
    it('when ranked by inclusive time, then each sample counts once for it', () => {
      const profile: CpuProfile = {
        nodes: [frame(1, '(root)', '', -1, [2]), frame(2, 'walk', 'file:///repo/libs/t.js', 0, [3]), frame(3, 'walk', 'file:///repo/libs/t.js', 0, [4]), frame(4, 'leaf', 'file:///repo/libs/t.js', 5)],
        startTime: 0,
        endTime: 4000,
        samples: [2, 3, 4, 4],
        timeDeltas: [1000, 1000, 1000, 1000],
      };
      expect(topTotal(fold([profile], { root: ROOT }), isOurs).map((r) => [r.frame.name, r.total])).toEqual([
        ['walk', 4],
        ['leaf', 2],
      ]);
    });
  });
});
