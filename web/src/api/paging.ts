/**
 * A search of users reads a bounded number of index entries per request (the API's promise
 * at any centre size), so with filters a page can come back empty but with a cursor: more
 * may match further on. Saying "no match" then would be wrong. This follows such cursors, a
 * few at most, and answers the first page that holds something (or the last one read).
 */
export const emptyPageFollows = 5;

export async function firstFilledPage<
  Page extends { items: readonly unknown[]; nextCursor?: string | null },
>(fetchPage: (cursor: string | undefined) => Promise<Page>, cursor: string | undefined) {
  let page = await fetchPage(cursor);
  for (let follows = 0; follows < emptyPageFollows; follows++) {
    if (page.items.length > 0 || !page.nextCursor) break;
    page = await fetchPage(page.nextCursor);
  }
  return page;
}
