import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Workflows } from '../ports.js';

/**
 * Starts a workflow. The execution is named by the operation id (or the name given), so a
 * retried start cannot run the same operation twice.
 */
export function sfnWorkflows(client: SFNClient, stateMachineArn: string): Workflows {
  return {
    async start(operationId, executionName) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: executionName ?? operationId,
            input: JSON.stringify({ operationId }),
          }),
        );
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) return;
        throw error;
      }
    },
  };
}
