import { renderProgressBar } from '../../lib/ingestion/progress';

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
