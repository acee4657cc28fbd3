// Chart configurations for the statistics screen, built from the core's report types: the
// prefecture-style stacked monthly bar by jurisdiction, the time-to-placement histogram and the
// decline reasons. Pure, so they are tested without a canvas.
import type { ChartConfiguration } from 'chart.js';

import type { MonthlyReport, ReportTable } from './bindings';
import { monthLabel } from './format';
import type { Language } from './i18n.svelte';

/** Distinguishable on screen and in grey print; the last (other / unknown) is neutral. */
const PALETTE = ['#00796b', '#1565c0', '#ef6c00', '#6a1b9a', '#c62828', '#2e7d32', '#5d4037', '#00838f', '#ad1457'];
const NEUTRAL = '#9e9e9e';

function colour(i: number, last: boolean): string {
  return last ? NEUTRAL : PALETTE[i % PALETTE.length];
}

/** Months along the bottom, one stacked segment per jurisdiction column. */
export function monthlyStackedBar(report: MonthlyReport, language: Language): ChartConfiguration<'bar'> {
  const last = report.columns.length - 1;
  return {
    type: 'bar',
    data: {
      labels: report.rows.map((r) => monthLabel(r, language)),
      datasets: report.columns.map((column, i) => ({
        label: column,
        data: report.rows.map((r) => r.counts[i] ?? 0),
        backgroundColor: colour(i, i === last),
        stack: 'placements',
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}

/** Counts read from a table's body (first column the label, `column` the count), `rows` of them. */
function counts(table: ReportTable, column: number, rows: number): { labels: string[]; values: number[] } {
  const body = table.rows.slice(0, rows);
  return { labels: body.map((r) => r[0] ?? ''), values: body.map((r) => Number(r[column] ?? 0) || 0) };
}

/** The time-to-placement bands as a histogram (the table's first seven rows are the bands). */
export function timeHistogram(table: ReportTable, bands = 7): ChartConfiguration<'bar'> {
  const { labels, values } = counts(table, 1, bands);
  return {
    type: 'bar',
    data: {
      labels,
      // The bands up to 2.5 hours are the model desk's mark: drawn in the accent, the rest neutral.
      datasets: [
        {
          label: table.columns[1] ?? '',
          data: values,
          backgroundColor: labels.map((_, i) => (i < 3 ? PALETTE[0] : NEUTRAL)),
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  };
}

/** Decline reasons as horizontal bars, own rules in red. */
export function declineBars(table: ReportTable): ChartConfiguration<'bar'> {
  const { labels, values } = counts(table, 1, table.rows.length);
  const own = table.rows.map((r) => (r[3] ?? '') !== '');
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: table.columns[1] ?? '', data: values, backgroundColor: own.map((o) => (o ? PALETTE[4] : PALETTE[1])) },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  };
}
