/**
 * The checked-in ETL SQL (glue/sql/) is exactly what lib/etl/sql.ts renders from the schema and the
 * feature manifest: a schema change without `npm run generate` fails here, naming the files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderSql, SQL_DIR, SQL_FILES } from '../../lib/etl/sql';
import { staleFiles } from '../../lib/shared/generated-files';

describe('the checked-in ETL SQL', () => {
  it('is what the renderer produces (when not: run npm run generate)', () => {
    const stale = staleFiles(SQL_DIR, renderSql()).map(
      ({ name, why }) => `glue/sql/${name} is ${why === 'missing' ? 'missing' : 'out of date'}: run npm run generate`,
    );
    expect(stale).toEqual([]);
  });

  it.each(SQL_FILES)('%s equals its rendering byte for byte', (file) => {
    expect(fs.readFileSync(path.join(SQL_DIR, file), 'utf8')).toBe(renderSql()[file]);
  });

  it('is every generated file in glue/sql/ (the analysis queries are written by hand, in analysis/)', () => {
    const checkedIn = fs.readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql'));
    expect(checkedIn.sort()).toEqual([...SQL_FILES].sort());
  });
});

describe('renderSql', () => {
  it('is pure: two renderings are the same', () => {
    expect(renderSql()).toEqual(renderSql());
  });

  it('renders every file the jobs run, each ending in a newline', () => {
    const rendered = renderSql();
    expect(Object.keys(rendered)).toEqual([...SQL_FILES]);
    for (const file of SQL_FILES) {
      expect([file, rendered[file].endsWith('\n')]).toEqual([file, true]);
    }
  });
});
