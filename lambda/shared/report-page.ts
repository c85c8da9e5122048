/**
 * The one layout and style of the lifecycle's reports (the evaluation report, and the data and
 * tuning reports as they come): a title, the three numbers that matter for the stage, then
 * sections of charts (`charts.ts`) and tables. One self-contained HTML page: inline CSS allowed
 * by the page's own Content-Security-Policy through its hash, inline SVG, no script, nothing
 * loaded, so it opens from S3, from a disk or as an e-mail attachment alike.
 *
 * Every value interpolated goes through the escaping `markup` tag (`html.ts`).
 */
import { contentSecurityPolicy, markup, type SafeHtml, selfContainedPage } from './html';

/** One of the numbers a report opens with. */
export interface Headline {
  /** What the number is: `AUC`. */
  readonly label: string;
  /** The number as people read it: `0.912`, `1,234.00`. */
  readonly value: string;
  /** One line on what it means or where it comes from. */
  readonly note: string;
}

/** A section of a report: a heading, a line on how to read it, and its content. */
export interface ReportSection {
  /** The section's id, for links and tests: `[a-z][a-z0-9-]*`. */
  readonly id: string;
  readonly heading: string;
  /** How to read the section, in a sentence or two. */
  readonly intro?: string;
  /** Charts (see {@link figure}) and tables. */
  readonly content: SafeHtml | readonly SafeHtml[];
}

/** What a report page holds. */
export interface ReportPage {
  readonly title: string;
  /** One line under the title: what was measured, on which data. */
  readonly subtitle: string;
  /** Exactly three: the numbers that matter for the stage. */
  readonly headline: readonly [Headline, Headline, Headline];
  readonly sections: readonly ReportSection[];
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; padding: 0 1rem; color: #222; max-width: 75rem; }
h1 { margin-bottom: 0.2rem; }
.subtitle { color: #555; margin-top: 0; }
.headline { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; padding: 0; list-style: none; }
.headline li { border: 1px solid #ccc; border-radius: 6px; padding: 0.8rem 1.2rem; min-width: 12rem; flex: 1; }
.headline .label { font-size: 0.9rem; color: #555; }
.headline .value { font-size: 2rem; font-weight: bold; font-variant-numeric: tabular-nums; }
.headline .note { font-size: 0.85rem; color: #555; }
section { margin: 2rem 0; }
.intro { max-width: 50rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
figure.chart { margin: 0; }
figure.chart figcaption { font-size: 0.9rem; color: #555; max-width: 28rem; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.7rem; text-align: right; font-variant-numeric: tabular-nums; }
th[scope="row"], th.text, td.text { text-align: left; }
`;

/**
 * A chart in a report: its SVG (from `renderChart`) with a caption saying what it shows. `name`
 * identifies the chart (`data-chart`), for links and for the browser test that checks every chart
 * was drawn.
 */
export function figure(name: string, svg: SafeHtml, caption: string): SafeHtml {
  return markup`<figure class="chart" data-chart="${name}">
${svg}
<figcaption>${caption}</figcaption>
</figure>
`;
}

/** Charts side by side, wrapping on a narrow screen. */
export function chartRow(figures: readonly SafeHtml[]): SafeHtml {
  return markup`<div class="charts">
${figures}</div>
`;
}

/** The whole page. Throws unless the section ids are distinct and well formed. */
export function renderReportPage(page: ReportPage): string {
  const ids = page.sections.map((s) => s.id);
  for (const id of ids) {
    if (!/^[a-z][a-z0-9-]*$/.test(id) || ids.indexOf(id) !== ids.lastIndexOf(id)) {
      throw new Error(`a report section id must be distinct and match [a-z][a-z0-9-]*; got ${JSON.stringify(id)}`);
    }
  }
  const headline = page.headline.map(
    (
      h,
    ) => markup`<li><div class="label">${h.label}</div><div class="value">${h.value}</div><div class="note">${h.note}</div></li>
`,
  );
  const sections = page.sections.map(
    (s) => markup`<section id="${s.id}">
<h2>${s.heading}</h2>
${s.intro === undefined ? '' : markup`<p class="intro">${s.intro}</p>`}
${s.content}</section>
`,
  );
  return selfContainedPage(
    page.title,
    STYLE,
    markup`<h1>${page.title}</h1>
<p class="subtitle">${page.subtitle}</p>
<ul class="headline">
${headline}</ul>
${sections}`,
  );
}

/** The policy of every report page: nothing may load, nothing may run, only the reports' style applies. */
export function reportPolicy(): string {
  return contentSecurityPolicy(STYLE);
}
