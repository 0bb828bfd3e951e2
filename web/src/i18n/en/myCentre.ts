/** My Centre: Users, Add new users, a user's page and the audit log. */
export const myCentre = {};
