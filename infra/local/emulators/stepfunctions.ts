// A local Step Functions endpoint: the AWS JSON 1.0 protocol that @aws-sdk/client-sfn
// speaks, with executions run asynchronously by aws-local-stepfunctions. Handlers use
// the real SDK pointed here (AWS_ENDPOINT_URL_SFN), so they have no local branch.
//
// Every Lambda Task (`arn:aws:states:::lambda:invoke` or a plain Lambda function ARN) is
// routed to `invokeLambda`; the library would otherwise call real AWS Lambda. An error
// thrown by invokeLambda keeps its `name` as the States error name, so Retry/Catch on that
// name (or on States.TaskFailed / States.ALL) behaves as in AWS.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { StateMachine as LocalStateMachine } from 'aws-local-stepfunctions';
import { closeServer, type Handle, type LogFn } from './process.js';
import {
  type AslState,
  eachState,
  type InvokeLambda,
  type Json,
  taskHandlers,
} from './stepfunctions-tasks.js';

// Imported dynamically so that it is evaluated after the Promise.withResolvers polyfill
// installed by stepfunctions-tasks.ts (static imports would be evaluated first).
const { StateMachine, ExecutionAbortedError, ExecutionTimeoutError } = await import(
  'aws-local-stepfunctions'
);

type Definition = ConstructorParameters<typeof LocalStateMachine>[0];

export type { InvokeLambda };

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: Status;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  abort(): void;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startStepFunctionsLocal(opts: {
  port: number;
  stateMachines: Record<string /* arn */, { definition: object /* ASL JSON */ }>;
  invokeLambda: InvokeLambda;
  /** Replaces every Retry interval (ms), so tests need not sleep through real back-off. */
  retryIntervalMs?: number;
  log?: LogFn;
}): Promise<Handle> {
  const machines = new Map<
    string,
    {
      machine: LocalStateMachine;
      states: Record<string, AslState>;
      retries: Record<string, number>;
    }
  >();
  for (const [arn, { definition }] of Object.entries(opts.stateMachines)) {
    // Constructing validates the definition: a broken one fails start-up, not a request.
    const machine = new StateMachine(definition as Definition);
    const states = (definition as { States?: Record<string, AslState> }).States ?? {};
    const retries: Record<string, number> = {};
    if (opts.retryIntervalMs !== undefined) {
      eachState(states, (name, state) => {
        if (state.Retry) retries[name] = opts.retryIntervalMs ?? 0;
      });
    }
    machines.set(arn, { machine, states, retries });
  }
  const executions = new Map<string, Execution>();

  const start = (req: Record<string, unknown>) => {
    const stateMachineArn = String(req.stateMachineArn ?? '');
    const entry = machines.get(stateMachineArn);
    if (!entry)
      throw new ApiError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    const name = typeof req.name === 'string' && req.name ? req.name : randomUUID();
    const input = typeof req.input === 'string' ? req.input : '{}';
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      // AWS also refuses a reused name once the first execution has closed; locally runs
      // close in milliseconds, so a retried StartExecution would then always fail.
      if (existing.input !== input)
        throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      return { executionArn, startDate: existing.startDate.getTime() / 1000 };
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(input) as Json;
    } catch {
      throw new ApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input');
    }
    const startDate = new Date();
    const run = entry.machine.run(parsed, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers(entry.states, opts.invokeLambda),
        retryIntervalOverrides: entry.retries,
      },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          Input: parsed,
          StartTime: startDate.toISOString(),
        },
        StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() },
      },
    });
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      startDate,
      input,
      abort: run.abort,
    };
    executions.set(executionArn, execution);
    run.result.then(
      (output) => {
        if (execution.status !== 'RUNNING') return;
        Object.assign(execution, {
          status: 'SUCCEEDED',
          stopDate: new Date(),
          output: JSON.stringify(output ?? null),
        });
      },
      (error: unknown) => {
        if (execution.status !== 'RUNNING') return;
        execution.stopDate = new Date();
        if (error instanceof ExecutionAbortedError) execution.status = 'ABORTED';
        else if (error instanceof ExecutionTimeoutError) {
          Object.assign(execution, { status: 'TIMED_OUT', error: 'States.Timeout' });
        } else {
          // ExecutionError wraps the state's error in `cause`.
          const cause = (error as { cause?: unknown }).cause ?? error;
          const inner = cause instanceof Error ? cause : new Error(String(cause));
          Object.assign(execution, { status: 'FAILED', error: inner.name, cause: inner.message });
          opts.log?.(`[sfn] ${executionArn} failed: ${inner.name}: ${inner.message}`);
        }
      },
    );
    return { executionArn, startDate: startDate.getTime() / 1000 };
  };

  const find = (req: Record<string, unknown>): Execution => {
    const arn = String(req.executionArn ?? '');
    const execution = executions.get(arn);
    if (!execution)
      throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  };
  const seconds = (d?: Date) => (d ? d.getTime() / 1000 : undefined);
  const summary = (e: Execution) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
  });

  const operations: Record<string, (req: Record<string, unknown>) => unknown> = {
    StartExecution: start,
    DescribeExecution: (req) => {
      const e = find(req);
      return { ...summary(e), input: e.input, output: e.output, error: e.error, cause: e.cause };
    },
    StopExecution: (req) => {
      const e = find(req);
      if (e.status === 'RUNNING') {
        Object.assign(e, {
          status: 'ABORTED',
          stopDate: new Date(),
          error: req.error,
          cause: req.cause,
        });
        e.abort();
      }
      return { stopDate: seconds(e.stopDate) };
    },
    ListExecutions: (req) => {
      const arn = String(req.stateMachineArn ?? '');
      if (!machines.has(arn))
        throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      const all = [...executions.values()]
        .filter(
          (e) => e.stateMachineArn === arn && (!req.statusFilter || e.status === req.statusFilter),
        )
        .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
      const from = Number(req.nextToken ?? 0) || 0;
      const max = Number(req.maxResults ?? 0) || 100;
      const page = all.slice(from, from + max);
      return {
        executions: page.map(summary),
        nextToken: from + max < all.length ? String(from + max) : undefined,
      };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op =
        operations[
          target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : ''
        ];
      if (req.method !== 'POST' || !op)
        throw new ApiError('UnknownOperationException', `Unknown operation ${target}`);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown>;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        throw new ApiError('SerializationException', 'Request body is not valid JSON');
      }
      reply(200, op(body));
    } catch (error) {
      if (error instanceof ApiError) reply(400, { __type: error.type, message: error.message });
      else {
        opts.log?.(`[sfn] internal error: ${String(error)}`);
        reply(500, { __type: 'InternalFailure', message: String(error) });
      }
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    stop: async () => {
      for (const e of executions.values()) if (e.status === 'RUNNING') e.abort();
      await closeServer(server);
    },
  };
}
