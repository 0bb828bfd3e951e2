/**
 * Clients of the local stack's emulators, for what the HTTP API does not show (stored items,
 * Cognito's own view of a user). Each call makes a new client, so each file decides how long
 * it lives.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { hub } from './hub.js';

export const region = 'eu-west-2';
/** The emulators accept any credentials, but the SDK will not sign without some. */
export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export const localDynamoDb = () =>
  new DynamoDBClient({
    endpoint: hub().environment.AWS_ENDPOINT_URL_DYNAMODB,
    region,
    credentials,
  });

export const localCognito = () =>
  new CognitoIdentityProviderClient({
    endpoint: hub().environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
    region,
    credentials,
  });

// The local S3 serves buckets by path only, not as subdomains of its endpoint.
export const localS3 = () =>
  new S3Client({
    endpoint: hub().environment.AWS_ENDPOINT_URL_S3,
    region,
    credentials,
    forcePathStyle: true,
  });

export const localSes = () =>
  new SESClient({ endpoint: hub().environment.AWS_ENDPOINT_URL_SES, region, credentials });

/** Every stored item of a user's partition (`USER#{userId}`), read consistently. */
export async function userItems(userId: string) {
  const dynamodb = localDynamoDb();
  try {
    const { Items = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: hub().tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: `USER#${userId}` } },
        ConsistentRead: true,
      }),
    );
    return Items;
  } finally {
    dynamodb.destroy();
  }
}
