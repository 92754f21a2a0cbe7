import { PhaseLines } from '../../../src/cli/phase-lines';
import type { Progress } from '../../../src/contract/progress';

const app = { namespace: 'default', name: 'counter' };
const at = (s: number): Date => new Date(Date.UTC(2026, 11, 4, 16, 1, s));

function printer(): { lines: PhaseLines; printed: string[] } {
  const printed: string[] = [];
  const lines = new PhaseLines(
    { progress: (_at, label, details = '') => printed.push(`${label} ${details}`.trim()) },
    app,
  );
  return { lines, printed };
}

function progress(phases: [string, string][]): Progress {
  return {
    app,
    operation: 'resume',
    phase: phases.at(-1)![0],
    details: phases.at(-1)![1],
    phases: phases.map(([phase, details], i) => ({ phase, details, at: at(i).toISOString() })),
  };
}

test('a phase the query told of before the history showed it is printed once', async () => {
  const { lines, printed } = printer();
  const answer = progress([
    ['Locking', 'taking the lock'],
    ['Failed', 'default/counter is not suspended'],
  ]);
  // The history's first page has Locking; the worker is already further: the query answers both.
  await lines.fromHistory([{ phase: 'Locking', at: at(0) }], async () => answer, 'resume');
  // The next page shows Failed: printed already, nothing more (the query is not asked).
  let asked = false;
  await lines.fromHistory(
    [{ phase: 'Failed', at: at(1) }],
    async () => {
      asked = true;
      return answer;
    },
    'resume',
  );
  expect(printed).toEqual(['Locking taking the lock', 'Failed default/counter is not suspended']);
  expect(asked).toBe(false);
  expect(lines.phase).toBe('Failed');
});

test('without a query answer each phase the history shows is printed once, bare', async () => {
  const { lines, printed } = printer();
  await lines.fromHistory(
    [
      { phase: 'Locking', at: at(0) },
      { phase: 'Planning', at: at(1) },
    ],
    async () => undefined,
    'apply',
  );
  await lines.fromHistory([{ phase: 'Deploying', at: at(2) }], async () => undefined, 'apply');
  expect(printed).toEqual(['Locking', 'Planning', 'Deploying']);
  expect(lines.last?.phases.map((p) => p.phase)).toEqual(['Locking', 'Planning', 'Deploying']);
});

test('an answer behind the history is not used: bare phases, then details once the query catches up', async () => {
  const { lines, printed } = printer();
  await lines.fromHistory(
    [
      { phase: 'Locking', at: at(0) },
      { phase: 'Planning', at: at(1) },
    ],
    async () => progress([['Locking', 'taking the lock']]),
    'apply',
  );
  await lines.fromHistory(
    [{ phase: 'Deploying', at: at(2) }],
    async () =>
      progress([
        ['Locking', 'taking the lock'],
        ['Planning', 'change: upgrade'],
        ['Deploying', 'applying generation 2'],
      ]),
    'apply',
  );
  expect(printed).toEqual(['Locking', 'Planning', 'Deploying applying generation 2']);
});
