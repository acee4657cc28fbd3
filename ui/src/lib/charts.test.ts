import { describe, expect, it } from 'vitest';

import type { MonthlyReport, ReportTable } from './bindings';
import { declineBars, monthlyStackedBar, timeHistogram } from './charts';

const monthly: MonthlyReport = {
  from: { year: 2026, month: 10 },
  to: { year: 2026, month: 11 },
  basis: 'referrer',
  definition: '',
  columns: ['横浜市', '川崎市', 'その他（不明）'],
  rows: [
    { month: '2026-10', label: 'R8.10', counts: [1, 0, 2], total: 3 },
    { month: '2026-11', label: 'R8.11', counts: [4, 1, 0], total: 5 },
  ],
  totals: [5, 1, 2],
  total: 8,
};

function table(rows: string[][], columns = ['名', '件数', '割合', '独自ルール']): ReportTable {
  return { id: 't', title: 't', definition: '', columns, rows, totals: null };
}

describe('charts', () => {
  it('stacks one segment per jurisdiction over the months, other in grey', () => {
    const config = monthlyStackedBar(monthly, 'ja');
    expect(config.data.labels).toEqual(['R8.10', 'R8.11']);
    // Months in English as 2026-11.
    expect(monthlyStackedBar(monthly, 'en').data.labels).toEqual(['2026-10', '2026-11']);
    expect(config.data.datasets.map((d) => d.data)).toEqual([
      [1, 4],
      [0, 1],
      [2, 0],
    ]);
    expect(config.data.datasets[2].backgroundColor).toBe('#9e9e9e');
    expect(config.data.datasets.every((d) => d.stack === 'placements')).toBe(true);
  });

  it('draws the time bands and leaves the statistics rows out', () => {
    const rows = [
      ['1時間未満', '1'],
      ['1〜2時間', '2'],
      ['2〜2.5時間', '0'],
      ['2.5〜4時間', '3'],
      ['4〜8時間', '0'],
      ['8〜24時間', '0'],
      ['24時間以上', '1'],
      ['平均（分）', '170'],
    ];
    const config = timeHistogram(table(rows));
    expect(config.data.labels).toHaveLength(7);
    expect(config.data.datasets[0].data).toEqual([1, 2, 0, 3, 0, 0, 1]);
  });

  it('marks own-rule declines in red', () => {
    const config = declineBars(
      table([
        ['満床', '4', '50%', ''],
        ['独自ルール', '2', '25%', '○'],
      ]),
    );
    expect(config.data.datasets[0].data).toEqual([4, 2]);
    expect(config.data.datasets[0].backgroundColor).toEqual(['#1565c0', '#c62828']);
  });
});
