/** The task function's construct id; the synthesized definition names the function by it. */
export const removalTasksId = 'RemovalTasks';
