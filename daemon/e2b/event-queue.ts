// Turns pushed events (a session's output, a watch's changes) into the async iterable a Connect server
// stream is written from. Each event's `done` is called once the stream has asked for the next one, that
// is once the event was handed to the transport, so a slow client slows the producer (a session pauses
// its command's output above its watermark) instead of filling memory.
export class EventQueue<T> {
  private readonly items: Array<{ item: T; done: () => void }> = [];
  private ended = false;
  private failure: unknown;
  private wake: (() => void) | undefined;

  push(item: T, done: () => void = () => undefined): void {
    if (this.ended) {
      done();
      return;
    }
    this.items.push({ item, done });
    this.notify();
  }

  /** Ends the stream after the events queued so far; with an error, the stream fails with it after them. */
  end(err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = err;
    this.notify();
  }

  async *drain(signal: AbortSignal): AsyncGenerator<T> {
    const onAbort = (): void => this.notify();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        const next = this.items.shift();
        if (next) {
          try {
            yield next.item;
          } finally {
            next.done();
          }
          continue;
        }
        if (this.ended) {
          if (this.failure !== undefined) throw this.failure;
          return;
        }
        if (signal.aborted) return;
        await new Promise<void>((resolve) => { this.wake = resolve; });
        this.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const { done } of this.items.splice(0)) done();
    }
  }

  private notify(): void {
    this.wake?.();
  }
}
