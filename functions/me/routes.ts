import { publicUser } from '../core/data/user.js';
import type { AreaImplementations } from '../core/http.js';

export const meRoutes = (): AreaImplementations<'me'> => ({
  // The pipeline has already read the caller's record: no second read.
  getMe: async ({ caller }) => ({ status: 200, body: publicUser(caller) }),
});
