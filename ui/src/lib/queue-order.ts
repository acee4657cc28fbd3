// The order the queue last showed, so the detail page can step to the next or previous request
// without going back to the list.
let order: string[] = [];

export function rememberOrder(ids: string[]): void {
  order = ids;
}

/** The request `step` places from `id` in the last queue order, if any. */
export function neighbour(id: string, step: 1 | -1): string | null {
  const index = order.indexOf(id);
  if (index < 0) return null;
  return order[index + step] ?? null;
}
