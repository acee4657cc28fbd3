// Who is signed in, as the core says (`Access`). The core decides when a session is locked; the UI
// reports the user's typing and clicks (at most every 30 s) so filling in a long form counts as
// activity, and asks every 15 s whether the desk has locked.
import { commands, type Access, type Permission } from './bindings';

let current = $state<Access | null>(null);
let lastPing = 0;
const PING_EVERY_MS = 30_000;

export function access(): Access | null {
  return current;
}

export function setAccess(next: Access): void {
  current = next;
}

/** Whether this installation is a hospital edition (its screens instead of the desk's). */
export function isHospital(): boolean {
  return current?.edition === 'hospital';
}

/** Whether the signed-in user's role holds `permission` (the core checks again on every call). */
export function can(permission: Permission): boolean {
  return current?.user?.permissions.includes(permission) ?? false;
}

export async function refreshAccess(): Promise<void> {
  const result = await commands.access();
  if (result.status === 'ok') current = result.data;
}

/** Called on key presses and clicks while signed in. */
export function noteActivity(): void {
  const now = Date.now();
  if (current?.state !== 'signed_in' || now - lastPing < PING_EVERY_MS) return;
  lastPing = now;
  void commands.keepAlive().then((result) => {
    if (result.status === 'ok') current = result.data;
    else void refreshAccess();
  });
}
