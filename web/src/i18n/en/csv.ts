/** Import from CSV and Export. */
export const csv = {};
