// The desk's start (its database opened or why not, and who is signed in) is asked for as the first
// thing the window's script does (main.ts imports this module first), so the answer travels while
// the rest of the script is evaluated and the first screen mounts.
import { commands } from './bindings';

type StartupAnswer = ReturnType<typeof commands.startup>;

let asked: StartupAnswer | null = commands.startup();

/** The answer asked for at load, once; a fresh question after that. */
export function firstStartup(): StartupAnswer {
  const answer = asked ?? commands.startup();
  asked = null;
  return answer;
}
