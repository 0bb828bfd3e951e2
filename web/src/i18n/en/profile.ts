/** The user's own profile and login details. */
export const profile = {};
