// The queue is the first screen: its data is asked for at start-up in parallel with `startup`,
// and used once, by the first queue that mounts. Later visits fetch fresh data.
import { commands } from './bindings';

type QueueResult = ReturnType<typeof commands.listRequests>;

let pending: QueueResult | null = null;

export function prefetchQueue(): void {
  pending = commands.listRequests();
}

/** The prefetched result, once; `null` afterwards or if nothing was prefetched. */
export function takePrefetchedQueue(): QueueResult | null {
  const result = pending;
  pending = null;
  return result;
}
