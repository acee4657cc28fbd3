// The queue is the first screen: its data (the open requests) is asked for at start-up in parallel
// with `startup`, and used once, by the first queue that mounts. Later visits fetch fresh data.
import { commands } from './bindings';

type QueueResult = ReturnType<typeof commands.queue>;

/** What the queue shows first: the open requests, every one of them (the window's rows are virtual). */
export const OPEN_QUEUE = { scope: 'open', text: '', limit: null, after: 0 } as const;

let pending: QueueResult | null = null;

export function prefetchQueue(): void {
  pending = commands.queue({ ...OPEN_QUEUE });
}

/** The prefetched result, once; `null` afterwards or if nothing was prefetched. */
export function takePrefetchedQueue(): QueueResult | null {
  const result = pending;
  pending = null;
  return result;
}
