// Which screen is showing. Kept in memory (the desk has one window); Back returns to the queue.
export type Route =
  | { name: 'queue' }
  | { name: 'board' }
  | { name: 'request'; id: string }
  | { name: 'new-request' }
  | { name: 'edit-request'; id: string }
  | { name: 'hospitals' }
  | { name: 'hospital'; id: string }
  | { name: 'hospital-new' }
  | { name: 'hospital-edit'; id: string }
  | { name: 'directory-sheet' }
  | { name: 'post-covid' }
  | { name: 'transport-sheet'; id: string; requestId: string }
  | { name: 'patient-sheet'; requestId: string; hospitalId: string | null; replyBy: string }
  | { name: 'providers' }
  | { name: 'statistics' }
  | { name: 'daily-log' }
  | { name: 'settings' }
  | { name: 'audit' }
  | { name: 'exchange' }
  | { name: 'hospital-inquiries' }
  | { name: 'own-capacity' };

let current = $state<Route>({ name: 'queue' });

export function route(): Route {
  return current;
}

export function go(next: Route): void {
  current = next;
}
