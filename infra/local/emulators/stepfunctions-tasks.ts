// Maps the Task states of an ASL definition to local handlers for aws-local-stepfunctions,
// whose overrides are keyed by state name (not by resource), so we walk the definition,
// nested Parallel branches and Map processors included. Also installs the
// Promise.withResolvers polyfill the library needs on Node 20.
import type { StateMachine } from 'aws-local-stepfunctions';

export type Json = Parameters<StateMachine['run']>[0];
export type InvokeLambda = (functionNameOrArn: string, payload: unknown) => Promise<unknown>;

// aws-local-stepfunctions calls Promise.withResolvers (Node 22+) in every Task state;
// stepfunctions.ts imports the library only after this module has run.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: <T>() => {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
const LAMBDA_FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[^:]+:\d+:function:[^:]+/;
const LAMBDA_INVOKE = /^arn:aws[\w-]*:states:::lambda:invoke$/;

export interface AslState {
  Type?: string;
  Resource?: string;
  Retry?: unknown[];
  Branches?: Array<{ States?: Record<string, AslState> }>;
  ItemProcessor?: { States?: Record<string, AslState> };
  Iterator?: { States?: Record<string, AslState> };
}

export function eachState(
  states: Record<string, AslState> | undefined,
  visit: (name: string, state: AslState) => void,
): void {
  for (const [name, state] of Object.entries(states ?? {})) {
    visit(name, state);
    for (const branch of state.Branches ?? []) eachState(branch.States, visit);
    eachState((state.ItemProcessor ?? state.Iterator)?.States, visit);
  }
}

/** Local handlers for every Task state, nested Parallel/Map states included. */
export function taskHandlers(states: Record<string, AslState>, invokeLambda: InvokeLambda) {
  const handlers: Record<string, (input: Json) => Promise<Json>> = {};
  eachState(states, (name, state) => {
    if (state.Type !== 'Task') return;
    const resource = state.Resource ?? '';
    if (LAMBDA_INVOKE.test(resource)) {
      // The shape lambda:invoke returns in AWS; definitions select `$.Payload` from it.
      handlers[name] = async (input) => {
        const { FunctionName, Payload } = (input ?? {}) as {
          FunctionName?: string;
          Payload?: unknown;
        };
        if (!FunctionName)
          throw Object.assign(new Error('lambda:invoke without FunctionName'), {
            name: 'States.Runtime',
          });
        const result = await callLambda(invokeLambda, FunctionName, Payload ?? {});
        return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: result } as Json;
      };
    } else if (LAMBDA_FUNCTION_ARN.test(resource)) {
      handlers[name] = async (input) => (await callLambda(invokeLambda, resource, input)) as Json;
    } else {
      handlers[name] = async () => {
        throw Object.assign(new Error(`Task resource not available locally: ${resource}`), {
          name: 'States.Runtime',
        });
      };
    }
  });
  return handlers;
}

async function callLambda(
  invokeLambda: InvokeLambda,
  fn: string,
  payload: unknown,
): Promise<unknown> {
  try {
    return (await invokeLambda(fn, payload)) ?? null;
  } catch (error) {
    // The library matches Retry/Catch on error.name: keep it, and make sure there is one.
    if (error instanceof Error) throw error;
    throw new Error(String(error));
  }
}
