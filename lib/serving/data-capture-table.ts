import { Aws } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CAPTURE_COLUMNS,
  CAPTURE_HOUR_FORMAT,
  CAPTURE_PARTITIONS,
  CAPTURE_VARIANTS,
  DATA_CAPTURE_TABLE,
} from '../contracts/data-capture';
import { ARTIFACT_PREFIXES } from '../contracts/lake-layout';

export interface DataCaptureTableProps {
  /** The artifacts bucket, where the endpoint captures under `data-capture/`. */
  readonly artifactsBucket: s3.IBucket;
  /** The Glue database the table goes in. */
  readonly databaseName: string;
  /**
   * The first hour the `capture_hour` projection covers, `yyyy/MM/dd/HH`. Queries name their hours,
   * so an early start costs nothing.
   * @default '2024/01/01/00'
   */
  readonly firstHour?: string;
}

/**
 * The endpoint's captured requests and responses as a Glue table Athena can query, over the
 * artifacts bucket's `data-capture/` prefix exactly as SageMaker writes it (JSON Lines, one folder
 * per endpoint, variant and hour): the layout, the columns and the queries over it are in
 * `lib/contracts/data-capture.ts`.
 *
 * Partitions are projected, not crawled or added: `endpoint_name` is injected by each query (the
 * endpoint's name is the stack's, but the table does not need to know it), `variant_name` is the
 * one variant, `capture_hour` an hourly date range up to now. So the table needs no crawler and no
 * `MSCK REPAIR`, and a new hour of captures is queryable the moment SageMaker writes it.
 *
 * A definition, not data: it goes with the stack, and the captures stay.
 */
export class DataCaptureTable extends Construct {
  readonly table: glue.CfnTable;
  readonly tableName = DATA_CAPTURE_TABLE;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: DataCaptureTableProps) {
    super(scope, id);
    this.databaseName = props.databaseName;
    const location = props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.dataCapture);
    const { endpoint, variant, hour } = CAPTURE_PARTITIONS;
    this.table = new glue.CfnTable(this, 'Resource', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: props.databaseName,
      tableInput: {
        name: DATA_CAPTURE_TABLE,
        description:
          "The churn endpoint's captured requests and responses, as SageMaker data capture writes them (JSON Lines)",
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          [`projection.${endpoint}.type`]: 'injected',
          [`projection.${variant}.type`]: 'enum',
          [`projection.${variant}.values`]: CAPTURE_VARIANTS.join(','),
          [`projection.${hour}.type`]: 'date',
          [`projection.${hour}.format`]: CAPTURE_HOUR_FORMAT,
          [`projection.${hour}.range`]: `${props.firstHour ?? '2024/01/01/00'},NOW`,
          [`projection.${hour}.interval`]: '1',
          [`projection.${hour}.interval.unit`]: 'HOURS',
          'storage.location.template': `${location}\${${endpoint}}/\${${variant}}/\${${hour}}/`,
        },
        partitionKeys: [
          { name: endpoint, type: 'string', comment: 'The endpoint (injected: name it in every query)' },
          { name: variant, type: 'string', comment: 'The production variant' },
          { name: hour, type: 'string', comment: `The hour of invocation, ${CAPTURE_HOUR_FORMAT} (UTC)` },
        ],
        storageDescriptor: {
          location,
          columns: CAPTURE_COLUMNS.map((c) => ({ ...c })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
  }
}
