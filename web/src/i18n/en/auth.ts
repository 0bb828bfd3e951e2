/** Sign in, forgotten password and new-password pages. */
export const auth = {};
