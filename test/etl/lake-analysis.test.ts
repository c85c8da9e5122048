import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ANALYSIS_QUERIES } from '../../lib/etl/analysis-queries';
import { LakeAnalysis } from '../../lib/etl/lake-analysis';
import { testApp } from '../support/app';

describe('LakeAnalysis', () => {
  const stack = new Stack(testApp(), 'Test');
  const analysis = new LakeAnalysis(stack, 'Analysis', { workGroupName: 'lake-wg', databaseName: 'curated_db' });
  const template = Template.fromStack(stack);

  it('saves one named query per analysis query, and nothing else', () => {
    expect(ANALYSIS_QUERIES.length).toBeGreaterThan(0);
    template.resourceCountIs('AWS::Athena::NamedQuery', ANALYSIS_QUERIES.length);
    expect(Object.keys(template.toJSON().Resources as object)).toHaveLength(ANALYSIS_QUERIES.length);
    expect(analysis.queries).toHaveLength(ANALYSIS_QUERIES.length);
  });

  it.each(ANALYSIS_QUERIES.map((q) => [q.name, q]))(
    'saves %s with its description and SQL, in the workgroup and database it is given',
    (_name, query) => {
      template.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: query.name,
        Description: query.description,
        QueryString: query.sql,
        Database: 'curated_db',
        WorkGroup: 'lake-wg',
      });
    },
  );
});
