/** Customer services: centres and rescuing a coordinator. */
export const support = {};
