import { countText, createProgress, PROGRESS_INTERVAL_MS } from '../../../lib/shared/cli/progress';

/** A stream that keeps what is written to it. */
function stream(isTTY: boolean | undefined) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (chunk: string) => chunks.push(chunk) > 0 };
}

/** A clock the test moves by hand. */
function clock() {
  let time = 0;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

describe('createProgress', () => {
  it('draws on a TTY: one line redrawn with a carriage return, at most once an interval, cleared at the end', () => {
    const out = stream(true);
    const { now, advance } = clock();
    const progress = createProgress(out, { now });

    progress.update('first'); // within the first interval: work this short shows nothing
    advance(PROGRESS_INTERVAL_MS);
    progress.update('a');
    advance(PROGRESS_INTERVAL_MS - 1);
    progress.update('b'); // too soon: skipped
    advance(1);
    progress.update('c');
    progress.end();
    progress.end();
    progress.update('after the end');

    expect(progress.active).toBe(true);
    expect(out.chunks).toEqual(['\ra\x1b[K', '\rc\x1b[K', '\r\x1b[K']);
  });

  it('computes a lazy text only when it draws', () => {
    const out = stream(true);
    const { now, advance } = clock();
    const progress = createProgress(out, { now });
    const text = jest.fn(() => 'drawn');

    progress.update(text);
    advance(PROGRESS_INTERVAL_MS);
    progress.update(text);

    expect(text).toHaveBeenCalledTimes(1);
    expect(out.chunks).toEqual(['\rdrawn\x1b[K']);
  });

  it('clears nothing when it drew nothing', () => {
    const out = stream(true);
    const progress = createProgress(out, { now: () => 0 });
    progress.update('never drawn');
    progress.end();

    expect(out.chunks).toEqual([]);
  });

  it.each([[false], [undefined]])('writes nothing at all when isTTY is %p (piped, a file, a CI log)', (isTTY) => {
    const out = stream(isTTY);
    const { now, advance } = clock();
    const progress = createProgress(out, { now, intervalMs: 0 });
    const text = jest.fn(() => 'x');

    for (let i = 0; i < 5; i++) {
      advance(1000);
      progress.update(text);
    }
    progress.end();

    expect(progress.active).toBe(false);
    expect(out.chunks).toEqual([]);
    expect(text).not.toHaveBeenCalled();
  });

  it('draws at once with an interval of 0', () => {
    const out = stream(true);
    const progress = createProgress(out, { intervalMs: 0, now: () => 0 });
    progress.update('synthesizing...');
    progress.end();

    expect(out.chunks).toEqual(['\rsynthesizing...\x1b[K', '\r\x1b[K']);
  });
});

describe('countText', () => {
  it.each([
    [0, 1000, 'records 0/1000 (0%)'],
    [250_000, 1_000_000, 'records 250000/1000000 (25%)'],
    [999, 1000, 'records 999/1000 (99%)'],
    [1000, 1000, 'records 1000/1000 (100%)'],
    [0, 0, 'records 0/0 (100%)'],
  ])('%d of %d is %j', (done, total, text) => {
    expect(countText('records', done, total)).toBe(text);
  });
});
