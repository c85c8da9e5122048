import { renderChart } from '../../../lambda/shared/charts';
import { SafeHtml } from '../../../lambda/shared/html';
import { figure, renderReportPage } from '../../../lambda/shared/report-page';

const LINE = {
  data: {
    values: [
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 2 },
    ],
  },
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
} as const;

describe('renderChart', () => {
  it('draws a Vega-Lite specification as an SVG string, with the data as its marks', async () => {
    const svg = (await renderChart({ ...LINE, title: 'Three points' })).text;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('>Three points</text>');
    // One line through the three points.
    expect(svg).toMatch(/aria-roledescription="line mark" d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+L[\d.]+,[\d.]+"/);
    expect(svg).toContain('font-family="system-ui, sans-serif"'); // the reports' style
  });

  it('escapes text from data and titles', async () => {
    const svg = (await renderChart({ ...LINE, title: '<script>x</script> & co' })).text;
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt; &amp; co');
  });

  it('refuses to load data from a URL or a file: charts take their data inline', async () => {
    await expect(renderChart({ ...LINE, data: { url: 'https://example.com/data.json' } })).rejects.toThrow(
      /tried to load https:\/\/example.com\/data.json; charts take their data inline only/,
    );
    await expect(renderChart({ ...LINE, data: { url: '/etc/passwd' } })).rejects.toThrow(/tried to load \/etc\/passwd/);
  });

  it('fails on a specification Vega-Lite rejects', async () => {
    await expect(renderChart({ ...LINE, mark: 'no-such-mark' } as never)).rejects.toThrow();
  });
});

describe('renderReportPage', () => {
  const page = (ids: string[]): string =>
    renderReportPage({
      title: 'T',
      subtitle: 'S',
      headline: [
        { label: 'a', value: '1', note: 'n' },
        { label: 'b', value: '2', note: 'n' },
        { label: 'c', value: '3', note: 'n' },
      ],
      sections: ids.map((id) => ({ id, heading: id, content: figure(id, new SafeHtml('<svg></svg>'), 'c') })),
    });

  it('writes the three headline numbers, then each section with its figure', () => {
    const html = page(['one', 'two']);
    expect([...html.matchAll(/<div class="value">(\d)<\/div>/g)].map((m) => m[1])).toEqual(['1', '2', '3']);
    expect([...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1])).toEqual(['one', 'two']);
    expect(html).toContain('<figure class="chart" data-chart="two">');
  });

  it('refuses a section id that repeats or is not a plain name', () => {
    expect(() => page(['one', 'one'])).toThrow(/distinct and match/);
    expect(() => page(['One'])).toThrow(/got "One"/);
  });
});
