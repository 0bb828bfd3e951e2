/**
 * Issue 12 (Nice): what each index projects. All four project ALL, on purpose (the reasons
 * are in functions/core/data/table-schema.ts and the README's "Table design"); this pins the
 * deployed table and the local one to the schema, so a change is made in one place.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSchema } from '../../functions/core/data/table-schema.js';
import { defaultApp } from './default-app.js';
import { stackNames } from './fixture.js';

let indexes: { IndexName: string; Projection: { ProjectionType: string } }[];

beforeAll(() => {
  const { assembly } = defaultApp();
  const resources = Object.values(
    assembly.getStackByName(stackNames.stateful).template.Resources as Record<
      string,
      { Type: string; Properties: any }
    >,
  );
  const table = resources.find((resource) => resource.Type === 'AWS::DynamoDB::GlobalTable');
  indexes = table?.Properties.GlobalSecondaryIndexes ?? [];
}, 120_000);

describe('index projections', () => {
  it('projects each index as the schema says: GSI1–GSI5 ALL', () => {
    expect(Object.fromEntries(indexes.map((index) => [index.IndexName, index.Projection]))).toEqual(
      {
        GSI1: { ProjectionType: 'ALL' },
        GSI2: { ProjectionType: 'ALL' },
        GSI3: { ProjectionType: 'ALL' },
        GSI4: { ProjectionType: 'ALL' },
        GSI5: { ProjectionType: 'ALL' },
      },
    );
    expect(
      tableSchema.globalSecondaryIndexes.map((index) => [index.indexName, index.projection]),
    ).toEqual(indexes.map((index) => [index.IndexName, index.Projection.ProjectionType]));
  });
});
