/**
 * Progress of long work, for a person watching a terminal: one line on stderr, redrawn in place
 * with a carriage return, at most a few times a second, and cleared when the work ends so that
 * the CLI's own summary line is all that remains. Where stderr is not a terminal (piped, a CI log,
 * a file) nothing at all is written, so scripts and logs see only the summary.
 */

/** Where progress is drawn: `process.stderr` or anything shaped like it. */
export interface ProgressOutput {
  /** Whether it is a terminal; nothing is drawn otherwise. */
  readonly isTTY?: boolean;
  write(chunk: string): unknown;
}

/** A progress line. */
export interface Progress {
  /** Whether it draws at all (the output is a terminal): a caller may skip work only the line needs. */
  readonly active: boolean;
  /**
   * Shows `text` (or what `text()` returns, called only when it is drawn) in place of the last
   * line, unless the last was drawn (or the progress made) less than the interval ago: work that
   * ends within the interval draws nothing.
   */
  update(text: string | (() => string)): void;
  /** Clears the line if anything was drawn (once); later calls do nothing. */
  end(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /**
   * The least time between two draws, in milliseconds.
   * @default PROGRESS_INTERVAL_MS
   */
  readonly intervalMs?: number;
  /**
   * The clock, in milliseconds.
   * @default performance.now
   */
  readonly now?: () => number;
}

/** Four draws a second: lively enough to see it move, rare enough to cost nothing. */
export const PROGRESS_INTERVAL_MS = 250;

/** Carriage return to the start of the line; the escape erases whatever a longer line left. */
const REDRAW = '\r';
const ERASE_TO_END = '\x1b[K';

const SILENT: Progress = { active: false, update: () => undefined, end: () => undefined };

/** A progress line drawn on `output` when it is a terminal, and one that draws nothing otherwise. */
export function createProgress(output: ProgressOutput, options: ProgressOptions = {}): Progress {
  if (output.isTTY !== true) {
    return SILENT;
  }
  const interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  const now = options.now ?? (() => performance.now());
  let lastDraw = now();
  let drawn = false;
  let ended = false;
  return {
    active: true,
    update: (text) => {
      if (ended) {
        return;
      }
      const time = now();
      if (time - lastDraw < interval) {
        return;
      }
      lastDraw = time;
      drawn = true;
      output.write(`${REDRAW}${typeof text === 'function' ? text() : text}${ERASE_TO_END}`);
    },
    end: () => {
      if (!ended && drawn) {
        output.write(`${REDRAW}${ERASE_TO_END}`);
      }
      ended = true;
    },
  };
}

/** `what done/total (pct%)`, the usual text of a count: `records 250000/1000000 (25%)`. */
export function countText(what: string, done: number, total: number): string {
  const percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100;
  return `${what} ${done}/${total} (${percent}%)`;
}
