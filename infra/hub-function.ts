/**
 * The one way this project makes a Lambda function: every default (runtime, architecture,
 * memory, timeout, tracing, logging, bundling, least-privilege role) lives here, so the
 * stacks only say which entry file and which resources a function uses.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { nodejsFunctionBundlingFor } from './bundling.js';
import { areaFunctionTimeoutSeconds } from './function-timeout.js';

/** The repository root (the folder holding package.json and package-lock.json). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const hubFunctionDefaults = {
  runtime: Runtime.NODEJS_24_X,
  architecture: Architecture.ARM_64,
  memorySize: 512,
  timeout: Duration.seconds(areaFunctionTimeoutSeconds),
} as const;

export interface HubFunctionProps {
  /** Entry file, relative to the repository root, e.g. `functions/auth/index.ts`. */
  entry: string;
  description?: string;
  logRetention: RetentionDays;
  /** @default hubFunctionDefaults.timeout (10 s, below the API's 30 s) */
  timeout?: Duration;
  /** Caps the function's concurrent executions (and reserves them). @default none */
  reservedConcurrentExecutions?: number;
}

export class HubFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** The bundled entry file, relative to the repository root (what tests/infra reads). */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id);
    this.entry = props.entry;

    // Kept when the stack is deleted: what the functions did stays readable afterwards (the
    // group's name is generated, so a later deployment never collides with it).
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Our own role instead of AWSLambdaBasicExecutionRole (a managed policy granting
    // logs:CreateLogGroup/PutLogEvents on every log group): write to this log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${Stack.of(this).stackName}/${id}`,
    });
    this.logGroup.grantWrite(this.role);
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Every hub function is invoked synchronously (API Gateway, Cognito, Step Functions, which retries and catches each step); a dead-letter queue only ever receives asynchronous invocations. A failed workflow execution goes to the dead-letter queue of infra/failed-executions.ts.',
    });

    this.function = new NodejsFunction(this, 'Function', {
      ...hubFunctionDefaults,
      ...(props.timeout ? { timeout: props.timeout } : {}),
      ...(props.reservedConcurrentExecutions
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      entry: path.join(projectRoot, props.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      bundling: nodejsFunctionBundlingFor(props.entry),
      // No --enable-source-maps: it adds 15-20 ms to every cold start (npm run bench). The
      // map ships beside the bundle, so a logged stack trace can be mapped when needed.
    });

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires Resource "*".',
    });
  }

  /** Set an environment variable; use only from a `use…` helper that also grants access. */
  setEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
