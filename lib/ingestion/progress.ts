/**
 * The producer's progress bar as text, for the shared progress line of the CLIs
 * (lib/shared/cli/progress.ts, which draws only on a terminal):
 *
 * ```
 * [###############---------------]  50% 500/1000, 3 failed
 * ```
 */

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
