// What the chunks of one queue batch share. A batch ends only when its last chunk does (and the
// local queue starts the next batch only then), so its chunks take turns: at most CHUNKS_AT_ONCE of
// them claim and send at a time, enough to keep the pacer busy without claiming recipients long
// before their turn; a chunk whose recipients are all at the pacer, or that only waits for retries,
// lets the next one start.

/** Chunks of one batch claiming at once, unless the consumer says otherwise (it scales them with the rate). */
export const CHUNKS_AT_ONCE = 4;

export class BatchContext {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** An alert is going out: newsletter chunks of this batch hand their work back to the queue. */
  givingWay = false;

  /** `backlog`: messages waiting in the queue behind this batch (0: this is all there is). */
  constructor(
    readonly backlog = 0,
    private readonly limit = CHUNKS_AT_ONCE,
  ) {}

  /** One chunk's place among those working; take and leave may be called any number of times. */
  turn() {
    let held = false;
    return {
      take: async (): Promise<void> => {
        if (held) return;
        held = true;
        if (this.active < this.limit) {
          this.active++;
          return;
        }
        await new Promise<void>((resolve) => this.waiting.push(resolve));
      },
      leave: (): void => {
        if (!held) return;
        held = false;
        const next = this.waiting.shift();
        if (next) next();
        else this.active--;
      },
    };
  }

  /** Whether other chunks of this batch are working or waiting to: then waiting here holds nobody up. */
  get othersBusy(): boolean {
    return this.active > 0 || this.waiting.length > 0;
  }
}
