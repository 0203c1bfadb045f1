// `slipway history` and `slipway status` in a terminal: long commit subjects are cut so each entry stays one line;
// piped output keeps them whole.
import * as assert from 'assert';
import { Application, HistoryEntry } from '../../kube/application';
import { historyTable } from '../../syncer/commands/history';

function appWithSubjects(subjects: string[]): Application {
  const history: HistoryEntry[] = subjects.map((subject, i) => ({
    id: i + 1,
    revision: `${i}`.repeat(40).slice(0, 40),
    subject,
    author: 'Ada Lovelace',
    startedAt: '2026-12-06T07:00:00Z',
    result: 'Succeeded',
    health: 'Healthy',
    trigger: 'commit',
  }));
  return {
    apiVersion: 'slipway.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'guestbook', namespace: 'default' },
    spec: { source: { repo: '/repo', branch: 'main', path: 'app' }, destination: { namespace: 'default' } },
    status: { history },
  } as Application;
}

describe('history table width', () => {
  const long = 'Bump the frontend image and ' + 'rework the probes, '.repeat(15) + 'end';
  const app = appWithSubjects(['Initial', long, 'Short fix']);

  for (const width of [110, 140]) {
    it(`fits a ${width}-column terminal, cutting only the long subject`, () => {
      const lines = historyTable(app, undefined, width).split('\n');
      const over = lines.filter((l) => l.length > width);
      assert.deepStrictEqual(over, [], `lines over ${width} columns`);
      const row = lines.find((l) => l.includes('Bump the frontend'));
      assert.ok(row?.includes('…'), row);
      assert.ok(row?.endsWith('Ada Lovelace'), 'the author stays whole');
      assert.ok(lines.some((l) => l.includes('Short fix')));
    });
  }

  it('keeps subjects whole when the output is no terminal', () => {
    assert.ok(historyTable(app).includes(long));
  });
});
