/**
 * A one-line progress bar for a terminal, redrawn in place with a carriage return:
 *
 * ```
 * [###############---------------]  50% 500/1000, 3 failed
 * ```
 *
 * It draws only on a TTY: piped or redirected output (a CI log, a file) gets nothing, so the
 * caller's final summary line is all that is written there.
 */

/** Where the bar is drawn: `process.stderr` or anything shaped like it. */
export interface ProgressStream {
  /** Whether the stream is a terminal; the bar draws nothing otherwise. */
  readonly isTTY?: boolean;
  write(chunk: string): unknown;
}

/** What to draw. */
export interface ProgressState {
  /** Items done (sent or failed). */
  readonly done: number;
  /** Items expected in all. */
  readonly total: number;
  /**
   * Items failed among `done`, shown when > 0.
   * @default 0
   */
  readonly failed?: number;
  /**
   * Characters between the brackets.
   * @default 30
   */
  readonly width?: number;
}

/** A progress bar: `update` redraws it, `finish` draws the last state and ends the line. */
export interface ProgressBar {
  /** Redraws with `done` of the total done, `failed` of them failed. */
  update(done: number, failed?: number): void;
  /** Ends the line (once); later calls to `update` and `finish` do nothing. */
  finish(): void;
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Where to draw. */
  readonly stream: ProgressStream;
  /** Items expected in all. */
  readonly total: number;
  /**
   * Characters between the brackets.
   * @default 30
   */
  readonly width?: number;
}

/** Default characters between the brackets. */
export const DEFAULT_PROGRESS_WIDTH = 30;

/**
 * The bar as text, without control characters: `[#####-----]  50% 500/1000, 3 failed`.
 * `done` is clamped to [0, total]; a total of 0 counts as complete.
 */
export function renderProgressBar(state: ProgressState): string {
  const width = Math.max(1, Math.floor(state.width ?? DEFAULT_PROGRESS_WIDTH));
  const total = Math.max(0, state.total);
  const done = Math.min(Math.max(0, state.done), total);
  const fraction = total === 0 ? 1 : done / total;
  const filled = Math.floor(fraction * width);
  const percent = Math.floor(fraction * 100);
  const failed = state.failed ?? 0;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done}/${total}` +
    (failed > 0 ? `, ${failed} failed` : '')
  );
}

/** A bar drawn on `stream` if it is a TTY; one that draws nothing otherwise. */
export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  if (options.stream.isTTY !== true) {
    return { update: () => undefined, finish: () => undefined };
  }
  const { stream, total } = options;
  let last: string | undefined;
  let done = 0;
  let failed = 0;
  let finished = false;
  const draw = (): void => {
    const line = renderProgressBar({ done, failed, total, width: options.width ?? DEFAULT_PROGRESS_WIDTH });
    if (line !== last) {
      // Carriage return to the line start, the bar, then erase whatever a longer line left.
      stream.write(`\r${line}\x1b[K`);
      last = line;
    }
  };
  return {
    update: (d: number, f?: number): void => {
      if (!finished) {
        done = d;
        failed = f ?? 0;
        draw();
      }
    },
    finish: (): void => {
      if (!finished) {
        draw();
        stream.write('\n');
        finished = true;
      }
    },
  };
}
