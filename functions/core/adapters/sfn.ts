import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Workflows } from '../ports.js';

/**
 * Starts the removal workflow. The execution is named by the operation id, so a retried
 * start cannot run the same operation twice.
 */
export function sfnWorkflows(
  client: SFNClient,
  settings: { removalStateMachineArn: string },
): Workflows {
  return {
    async start(operationId) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn: settings.removalStateMachineArn,
            name: operationId,
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
