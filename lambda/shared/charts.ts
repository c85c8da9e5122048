/**
 * Charts for the reports, drawn by Vega-Lite (https://vega.github.io/vega-lite/): a chart is a
 * declarative Vega-Lite specification with its data inline, compiled to Vega and rendered by Vega's
 * own SVG renderer, in Node, with no browser and no DOM. The result is an SVG string that a report
 * inlines: no script, no style attribute (Vega writes presentation attributes only, so the reports'
 * Content-Security-Policy holds), no external font or image.
 *
 * Nothing is ever fetched: the loader given to Vega refuses every URL and file, so a specification
 * that named one would fail the render rather than reach the network. Vega escapes the text it
 * writes (titles, labels), so a value from data cannot inject markup.
 */
import { type LoggerInterface, loader as vegaLoader, parse, View } from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';
import { SafeHtml } from './html';

/** A chart: a Vega-Lite specification with its data inline (`data: { values: [...] }`). */
export type ChartSpec = TopLevelSpec;

/** The colours every report uses: a churner, a customer who stayed, and everything else. */
export const PALETTE = {
  churned: '#d62728',
  stayed: '#1f77b4',
  neutral: '#555555',
  reference: '#999999',
  highlight: '#ff7f0e',
} as const;

/** One look for every chart: the reports' font, sizes and colours. */
const CONFIG: Config = {
  font: 'system-ui, sans-serif',
  background: 'white',
  view: { stroke: '#cccccc' },
  title: { fontSize: 14, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eeeeee' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  range: { category: [PALETTE.churned, PALETTE.stayed, PALETTE.highlight, PALETTE.neutral] },
};

/**
 * A loader that loads nothing: every chart carries its data inline, and a report must never reach
 * the network or the file system while it is drawn.
 */
function offlineLoader(): ReturnType<typeof vegaLoader> {
  const refuse = (what: string): Promise<never> =>
    Promise.reject(new Error(`a report's chart tried to load ${what}; charts take their data inline only`));
  const loader = vegaLoader();
  loader.load = (uri: string) => refuse(uri);
  loader.sanitize = (uri: string) => refuse(uri);
  loader.http = (uri: string) => refuse(uri);
  loader.file = (filename: string) => refuse(filename);
  return loader;
}

/**
 * Draws `spec` as an SVG string, with the reports' style applied under the specification's own
 * `config`. Throws if Vega-Lite or Vega rejects the specification.
 */
export async function renderChart(spec: ChartSpec): Promise<SafeHtml> {
  const errors: string[] = [];
  const { spec: vegaSpec } = compile(
    { ...spec, config: { ...CONFIG, ...spec.config } },
    { logger: collectingLogger(errors) },
  );
  const view = new View(parse(vegaSpec), {
    renderer: 'none',
    loader: offlineLoader(),
    // Vega logs a failed load or an error and draws the chart without its data; a report must
    // not show an empty chart as if it were the data's, so either fails the render.
    logger: collectingLogger(errors),
  });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) {
      throw new Error(`a report's chart failed: ${errors.join('; ')}`);
    }
    return new SafeHtml(svg);
  } finally {
    view.finalize();
  }
}

/**
 * A Vega logger that keeps in `errors` every error and every failed load (which Vega reports as a
 * warning, then draws the chart without the data), and drops everything else.
 */
function collectingLogger(errors: string[]): LoggerInterface {
  const text = (args: readonly unknown[]): string =>
    args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger = {
    level: () => logger,
    error: (...args: readonly unknown[]) => {
      errors.push(text(args));
      return logger;
    },
    warn: (...args: readonly unknown[]) => {
      if (/^Loading failed/.test(text(args))) errors.push(text(args));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger as unknown as LoggerInterface;
}
