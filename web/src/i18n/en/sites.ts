/** The Primary and Lower Secondary support sites: Teacher and learner management. */
export const sites = {};
