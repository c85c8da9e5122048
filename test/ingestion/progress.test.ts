import { createProgressBar, renderProgressBar } from '../../lib/ingestion/progress';
import type { ProgressStream } from '../../lib/ingestion/progress';

/** A stream that records what is written to it. */
function fakeStream(isTTY: boolean | undefined): ProgressStream & { readonly chunks: string[] } {
  const chunks: string[] = [];
  return {
    ...(isTTY === undefined ? {} : { isTTY }),
    chunks,
    write: (chunk: string) => chunks.push(chunk),
  };
}

describe('renderProgressBar', () => {
  it('renders 0%', () => {
    expect(renderProgressBar({ done: 0, total: 1000, width: 10 })).toBe('[----------]   0% 0/1000');
  });

  it('renders 50%', () => {
    expect(renderProgressBar({ done: 500, total: 1000, width: 10 })).toBe('[#####-----]  50% 500/1000');
  });

  it('renders 100%', () => {
    expect(renderProgressBar({ done: 1000, total: 1000, width: 10 })).toBe('[##########] 100% 1000/1000');
  });

  it('rounds down, so that 100% means done', () => {
    expect(renderProgressBar({ done: 999, total: 1000, width: 10 })).toBe('[#########-]  99% 999/1000');
  });

  it('shows failures when there are some', () => {
    expect(renderProgressBar({ done: 500, total: 1000, failed: 3, width: 10 })).toBe(
      '[#####-----]  50% 500/1000, 3 failed',
    );
  });

  it('is 30 characters wide by default', () => {
    expect(renderProgressBar({ done: 1, total: 2 })).toBe(`[${'#'.repeat(15)}${'-'.repeat(15)}]  50% 1/2`);
  });

  it('clamps done to the total, and counts a total of 0 as complete', () => {
    expect(renderProgressBar({ done: 12, total: 10, width: 4 })).toBe('[####] 100% 10/10');
    expect(renderProgressBar({ done: 0, total: 0, width: 4 })).toBe('[####] 100% 0/0');
  });
});

describe('createProgressBar', () => {
  it('redraws in place on a TTY and ends the line when finished', () => {
    const stream = fakeStream(true);
    const bar = createProgressBar({ stream, total: 1000, width: 10 });
    bar.update(0);
    bar.update(500);
    bar.update(1000);
    bar.finish();

    expect(stream.chunks).toEqual([
      '\r[----------]   0% 0/1000\x1b[K',
      '\r[#####-----]  50% 500/1000\x1b[K',
      '\r[##########] 100% 1000/1000\x1b[K',
      '\n',
    ]);
  });

  it('does not redraw an unchanged bar, nor draw after finishing', () => {
    const stream = fakeStream(true);
    const bar = createProgressBar({ stream, total: 10, width: 10 });
    bar.update(5, 1);
    bar.update(5, 1);
    bar.finish();
    bar.update(10);
    bar.finish();

    expect(stream.chunks).toEqual(['\r[#####-----]  50% 5/10, 1 failed\x1b[K', '\n']);
  });

  it.each([false, undefined])('writes nothing when the stream is not a TTY (isTTY %p)', (isTTY) => {
    const stream = fakeStream(isTTY);
    const bar = createProgressBar({ stream, total: 1000 });
    bar.update(0);
    bar.update(500);
    bar.update(1000);
    bar.finish();

    expect(stream.chunks).toEqual([]);
  });
});
