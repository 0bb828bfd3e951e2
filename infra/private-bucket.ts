import { Stack } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  BucketEncryption,
  type BucketProps,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';

/** What every bucket of the hub is: never public, encrypted at rest, reached over TLS only. */
export const privateBucket = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
} as const satisfies BucketProps;

/**
 * A bucket's generated name as another stack of the app reads it: exported under a fixed
 * name, `<stack>-<id>`, which cdk-nag shows in place of the name (so an acknowledgement can
 * name it) and which does not change with the construct's path.
 */
export interface SharedBucketName {
  /** `Fn::ImportValue` of the export, for use in the other stack. */
  bucketName: string;
  exportName: string;
}

export function shareBucketName(bucket: IBucket, id: string): SharedBucketName {
  const stack = Stack.of(bucket);
  const exportName = `${stack.stackName}-${id}`;
  return { bucketName: stack.exportValue(bucket.bucketName, { name: exportName }), exportName };
}
