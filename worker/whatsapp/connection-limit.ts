// Cloudflare lets one invocation (a request, a queue batch, or a Durable Object, whose concurrent
// requests share one I/O context) have at most 6 outgoing connections waiting for response headers;
// a seventh waits until one of them has its headers. `wrangler dev`, the tests and the benchmarks
// do not enforce that, so the Graph client keeps to it itself: local runs then see the same
// queueing as production. The body read does not hold a slot (as in production).

export const MAX_WAITING_FOR_HEADERS = 6;

/** The wait for a slot was aborted (timeout): the request never left, so WhatsApp did not get it. */
export class SlotWaitAborted extends Error {
  constructor(readonly reason: unknown) {
    super(`no free connection before abort: ${String(reason)}`);
  }
}

/**
 * A paced send could not start by its permit's deadline (it waited too long for a connection or a
 * late timer): it never left, so nobody got it, and the sender asks for a new permit.
 */
export class LateStart extends Error {
  constructor(readonly lateMs: number) {
    super(`start ${lateMs} ms past the permit's deadline`);
  }
}

export class ConnectionLimit {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max = MAX_WAITING_FOR_HEADERS) {}

  /** Requests now waiting for their response headers. */
  get active(): number {
    return this.inFlight;
  }

  /**
   * Starts `open` (a fetch) once fewer than `max` are waiting for headers; the slot is freed when
   * it settles (headers, error or abort). An abort of `signal` while still queued rejects with
   * SlotWaitAborted and takes nothing.
   */
  async run<T>(open: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await open();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new SlotWaitAborted(signal.reason));
    if (this.inFlight < this.max) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new SlotWaitAborted(signal?.reason));
      };
      // The releasing request hands its slot over, so inFlight stays as it is.
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.waiting.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}
