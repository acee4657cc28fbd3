// How screens call the core: typed commands from bindings.ts, with errors as data.
import type { ErrorReport, FieldProblem } from './bindings';
import { language, tDynamic } from './i18n.svelte';

export type Outcome<T> = { status: 'ok'; data: T } | { status: 'error'; error: ErrorReport };

/** A failure the screen did not expect: shown in the banner, never swallowed. */
export class DeskError extends Error {
  constructor(readonly report: ErrorReport) {
    super(report.message);
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
 *  Japanese UI shows it as is; other languages translate the problem's kind. */
export function problemMessage(problem: FieldProblem): string {
  if (language() === 'ja' && problem.message !== '') return problem.message;
  const { kind, ...values } = problem.problem;
  return tDynamic(`problem.${kind}`, values as Record<string, number>);
}

/** Field name → message, for showing each refusal next to its field. */
export function problemsByField(report: ErrorReport): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const problem of report.problems) byField[problem.field] ??= problemMessage(problem);
  return byField;
}
