// What a test file leaves running when its teardowns never run. tap kills a file that outlives its
// timeout (SIGALRM, after printing the timeout) without running them, and what the file started outside
// its own process (daemons, their sandboxes and VMs, which outlive a daemon by design, a fake cluster's
// pods) would run on into the next file. signal-exit is what tap itself hooks that signal with: its
// exit listeners all run, once, on the first SIGALRM (or at a normal exit), before the process goes.
import { onExit } from 'signal-exit';

type LastStep = (signal: NodeJS.Signals | null) => void;

const steps = new Set<LastStep>();
let hooked = false;

/**
 * Runs `step` if the process ends before the returned function is called (a teardown calls it once it
 * has cleaned up properly). Steps must be synchronous: nothing after them is awaited.
 */
export function lastResort(step: LastStep): () => void {
  if (!hooked) {
    hooked = true;
    onExit((_code, signal) => {
      for (const s of [...steps]) {
        try {
          s(signal as NodeJS.Signals | null);
        } catch (err) {
          console.error('a last-resort cleanup step failed:', err);
        }
      }
      steps.clear();
    });
  }
  steps.add(step);
  return () => { steps.delete(step); };
}

/** Sleeps without the event loop (a last step cannot await). */
export function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
