/** The task function's construct id; the synthesized definition names the function by it. */
export const removalTasksId = 'RemovalTasks';
/** The site-removal workflow's task function (its own, with table access only). */
export const siteRemovalTasksId = 'SiteRemovalTasks';
