// The daemon's own helper threads (libuv's pool, which runs every store batch, fsync and log write, and
// V8's platform workers) at a lower priority than its event loop. Each store batch and log line wakes a
// pool thread; on a machine with two busy cores the woken thread preempted the event loop in the middle
// of its work, so every wake-up cost the handoffs queued on the loop up to a millisecond (the profiles
// in benchmarks/README.md's handoff section: classic-level's batch call, and the log's write, were the
// loop's largest items, nearly all of it time the loop was not running). At nice 5 a pool thread still
// runs at once on a core that is idle or busy with refills (SCHED_IDLE), and on the loop's core once the
// loop waits, which it soon does. Linux gives each thread its own nice value (setpriority on a tid).
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Logger } from './log.js';

export const HELPER_THREAD_NICE = 5;

/**
 * Lowers every thread of this process but the event loop's and those in `spare` (other event loops: the
 * model gateway's thread). Called once libuv's pool has started, and again once the daemon runs, for
 * the threads made meanwhile.
 */
export function lowerHelperThreads(log: Logger, spare: readonly number[] = []): number {
  let lowered = 0;
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'cannot list the daemon\'s threads; they keep the event loop\'s priority');
    return 0;
  }
  for (const tid of tasks.map(Number)) {
    if (tid === process.pid || spare.includes(tid)) continue;
    try {
      setPriority(tid, HELPER_THREAD_NICE);
      lowered++;
    } catch (err) {
      // A thread that ended since the listing has nothing to lower; anything else is worth a line.
      if ((err as { info?: { code?: string } }).info?.code !== 'ESRCH') log.warn({ tid, err: (err as Error).message }, 'cannot lower a helper thread\'s priority');
    }
  }
  return lowered;
}
