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

/** The message for one refused field, in the user's language. */
export function problemMessage(problem: FieldProblem): string {
  // The core explains some refusals itself (e.g. which hospital already has a code).
  if (problem.problem.kind === 'not_allowed' && problem.message !== '') {
    return language() === 'ja' ? problem.message : tDynamic('problem.not_allowed');
  }
  const { kind, ...values } = problem.problem;
  return tDynamic(`problem.${kind}`, values as Record<string, number>);
}

/** Field name → message, for showing each refusal next to its field. */
export function problemsByField(report: ErrorReport): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const problem of report.problems) byField[problem.field] ??= problemMessage(problem);
  return byField;
}
