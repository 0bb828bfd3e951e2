/**
 * How long an area function may run (Lambda's timeout): below API Gateway's 30 s, and the
 * budget long requests (adding 100 users) plan against. The local API server plays the same
 * timeout, so a request too slow for AWS fails locally too. No CDK import: the local server
 * reads it without loading aws-cdk-lib.
 */
export const areaFunctionTimeoutSeconds = 10;
