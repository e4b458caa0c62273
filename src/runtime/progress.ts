/** Someone watching a long fold, told how far it got. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** Starts showing a long task's progress, or shows none (not a terminal, or --json). */
export type ProgressFactory = (label: string) => Promise<Progress | undefined>;

/** Folding fewer events than this is quick: no progress is shown for it. */
export const PROGRESS_MIN_EVENTS = 20_000;

/** A display of one long fold: `at` is undefined when nobody watches, so a fold pays nothing then. */
export interface ShownProgress {
  at: ((done: bigint) => void) | undefined;
  finish(): void;
}

/** Starts a display of `total` events only when the work is long and someone can watch it. */
export async function progressOver(factory: ProgressFactory | undefined, label: string, total: bigint): Promise<ShownProgress> {
  const display = factory && total >= BigInt(PROGRESS_MIN_EVENTS) ? await factory(label) : undefined;
  if (!display) return { at: undefined, finish: () => undefined };
  let last = -1;
  return {
    at(done) {
      // Redrawing costs more than folding an event: at most once per 1,000.
      const n = Number(done);
      if (n - last >= 1000 || done >= total) {
        last = n;
        display.update(n, Number(total));
      }
    },
    finish: () => display.stop(),
  };
}
