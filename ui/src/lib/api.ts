// How screens call the core: typed commands from bindings.ts, with errors as data.
import type { CheckCode, Counts, ErrorReport, FieldProblem, Reason, RefusalCode } from './bindings';
import type { coreEn } from './locales/core-en';
import { language, stateInLanguage, t, tDynamic, type MessageKey } from './i18n.svelte';

export type Outcome<T> = { status: 'ok'; data: T } | { status: 'error'; error: ErrorReport };

/** A failure the screen did not expect: shown in the banner, never swallowed. */
export class DeskError extends Error {
  constructor(readonly report: ErrorReport) {
    super(errorMessage(report));
  }
}

/** Returns the data or throws a DeskError carrying the report. */
export async function unwrap<T>(call: Promise<Outcome<T>>): Promise<T> {
  const result = await call;
  if (result.status === 'ok') return result.data;
  throw new DeskError(result.error);
}

/** The message for one refused field, in the user's language. The core's own sentence is Japanese
 *  and often more precise (which date form it expected, which hospital already has a code), so the
 *  Japanese UI shows it as is; English words the detail when there is one, else the problem's kind. */
export function problemMessage(problem: FieldProblem): string {
  if (language() === 'ja' && problem.message !== '') return problem.message;
  if (problem.detail) {
    const { detail, ...values } = problem.detail;
    return tDynamic(`core.detail.${detail}`, wordedValues(values));
  }
  const { kind, ...values } = problem.problem;
  return tDynamic(`problem.${kind}`, values as Record<string, number>);
}

/** What to tell the user about a refused call, in their language: the refused fields' own
 *  messages when there are any; else the core's sentence in Japanese, and in English the rule,
 *  the refusal or the error's code worded. */
export function errorMessage(report: ErrorReport): string {
  if (report.problems.length > 0 && (report.code === 'validation' || report.code === 'needs_confirmation')) {
    return [...new Set(report.problems.map(problemMessage))].join(' ');
  }
  if (language() === 'ja') return report.message;
  if (report.rule) {
    const { rule, ...values } = report.rule;
    return tDynamic(`core.rule.${rule}`, wordedValues(values));
  }
  if (report.refusal) return tDynamic(`core.refusal.${report.refusal}`);
  return tDynamic(`core.code.${report.code}`, { count: report.problems.length });
}

/** One finding of the request checklist (or a reason matching cannot judge yet), worded. */
export function checkMessage(item: { field: string; check: CheckCode; message: string }): string {
  if (language() === 'ja') return item.message;
  const { code, ...values } = item.check;
  return tDynamic(`core.check.${code}`, { ...wordedValues(values), field: fieldLabel(item.field) });
}

/** The notes the core writes itself, as it writes them (`store::requests::UNDO_NOTE`,
 *  `Desk::place`, `Desk::book_transport`, a withdrawal from a package), and their English. */
const SYSTEM_NOTES: [RegExp, keyof typeof coreEn.note][] = [
  [/^元に戻す$/, 'undo'],
  [/^受入決定のため$/, 'towards_placement'],
  [/^受入決定（電話で合意）$/, 'placed_by_phone'],
  [/^搬送を手配（(?<provider>.+)）$/, 'transport_booked'],
  [/^搬送完了（(?<provider>.+)）$/, 'transferred_with'],
  [/^依頼元から取下げ$/, 'withdrawn_by_referrer'],
  [/^依頼元から取下げ: (?<note>.+)$/s, 'withdrawn_by_referrer_because'],
];

/** A note in a request's history or inquiry log: one the core wrote is shown in the user's
 *  language; a person's note as they typed it. */
export function historyNote(note: string): string {
  if (language() === 'ja') return note;
  for (const [pattern, key] of SYSTEM_NOTES) {
    const found = pattern.exec(note);
    if (found) return tDynamic(`core.note.${key}`, found.groups ?? {});
  }
  return note;
}

/** The summary of an import (or of a file the sync cycle took in or wrote), in the user's language. */
export function fileSummary(file: {
  message: string;
  refusal?: RefusalCode | null;
  counts?: Counts | null;
  records?: number | null;
  result?: string;
  already_imported_at?: string | null;
}): string {
  if (language() === 'ja') return file.message;
  if (file.refusal) return tDynamic(`core.refusal.${file.refusal}`);
  if (file.already_imported_at) return tDynamic('core.summary.already_imported');
  if (file.counts) return tDynamic('core.summary.counts', { ...file.counts });
  if (file.records !== undefined && file.records !== null)
    return tDynamic('core.summary.records', { count: file.records });
  if (file.result === 'preview') return tDynamic('core.summary.to_inbox');
  return '';
}

/** The name of an intake field (as the core names it) in the user's language. */
export function fieldLabel(field: string): string {
  const care = /^care\.(.+)$/.exec(field);
  if (care) return tDynamic(`care.short.${care[1] === 'oxygen_l_per_min' ? 'oxygen' : care[1]}`);
  const labels: Record<string, MessageKey> = {
    referrer_person: 'intake.person',
    referrer_phone: 'intake.phone',
    onset_date: 'intake.onset',
    positive_test_date: 'intake.positive',
    criteria_met_date: 'intake.criteriaMet',
    clinical_summary: 'form.summary',
    patient_age: 'form.age',
    bed_type_id: 'intake.bedType',
    residence_municipality_code: 'form.residence',
  };
  const key = labels[field];
  return key ? t(key) : field;
}

/** A value the core put in its wording: a request state arrives as its code (`transferred`), a
 *  booking's as its Japanese label (「取消」: `Rule::BookingMove`, beside the transport module it
 *  cannot name), both shown in the user's language; anything else (names, numbers) as it is. */
function wordedValues(values: Record<string, unknown>): Record<string, string | number> {
  const worded: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(values)) {
    worded[name] = typeof value === 'number' ? value : stateInLanguage(String(value));
  }
  return worded;
}

/** Why a row or record of a file was refused: worded in the user's language when a check of the
 *  desk refused it; a sentence about the file's own form (a column, a cell) as the core wrote it. */
export function reasonMessage(reason: Reason): string {
  return reason.problem && language() !== 'ja' ? problemMessage(reason.problem) : reason.message;
}

/** Field name → message, for showing each refusal next to its field. */
export function problemsByField(report: ErrorReport): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const problem of report.problems) byField[problem.field] ??= problemMessage(problem);
  return byField;
}
