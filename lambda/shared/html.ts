/**
 * HTML built from templates that escape every value: what the functions' reports (the evaluation's
 * `report.html`, the drift report) are written with, so that a value read back from JSON, a file or
 * a query result cannot inject markup.
 *
 * Every interpolated value goes through the {@link markup} tag, which escapes it unless it is
 * already markup built by the tag. (The tag is not called `html` on purpose: Prettier would
 * reformat the templates, and the whitespace of the output with them.)
 */

import { createHash } from 'node:crypto';

/** Markup built by {@link markup}: interpolated as is, never escaped twice. */
export class SafeHtml {
  constructor(readonly text: string) {}
}

/** `text` with the five HTML-significant characters escaped (safe in text and in quoted attributes). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A value to interpolate: markup, a list of markup, or a text or number (escaped). */
export type Interpolated = SafeHtml | readonly SafeHtml[] | string | number;

/** Template tag: the literal parts are markup; every value is escaped unless it is {@link SafeHtml}. */
export function markup(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += interpolate(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

function interpolate(value: Interpolated): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return escapeHtml(String(value));
  if (value instanceof SafeHtml) return value.text;
  return value.map((v) => v.text).join('');
}

/**
 * The Content-Security-Policy of a self-contained page whose only style is `style`: nothing may
 * load, nothing may run, and only that style applies (allowed by its hash).
 */
export function contentSecurityPolicy(style: string): string {
  const hash = createHash('sha256').update(style, 'utf8').digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`;
}

/**
 * A self-contained HTML page: its title, its one inline style under its own policy
 * ({@link contentSecurityPolicy}), and `body`. Nothing in it loads or runs, so it opens from S3,
 * from a disk or as an e-mail attachment alike.
 */
export function selfContainedPage(title: string, style: string, body: SafeHtml): string {
  return markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(style)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new SafeHtml(style)}</style>
</head>
<body>
${body}</body>
</html>
`.text;
}

/** A share (0..1) as a percentage for people, one decimal: `14.5%`; `null` (undefined) is `n/a`. */
export function percent(share: number | null): string {
  return share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`;
}
