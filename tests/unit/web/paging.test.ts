/**
 * A bounded search may answer an empty page with a cursor; the console follows such cursors
 * (a few at most) before it says nobody matches. Typechecked by web/tsconfig.json.
 */
import { describe, expect, it } from 'vitest';
import { emptyPageFollows, firstFilledPage } from '../../../web/src/api/paging';

type Page = { items: string[]; nextCursor: string | null };

/** Pages by cursor; each call is recorded. */
function pages(byCursor: Record<string, Page>) {
  const asked: (string | undefined)[] = [];
  const fetchPage = async (cursor: string | undefined) => {
    asked.push(cursor);
    const page = byCursor[cursor ?? 'first'];
    if (!page) throw new Error(`no page ${cursor}`);
    return page;
  };
  return { asked, fetchPage };
}

describe('firstFilledPage', () => {
  it('follows empty pages with a cursor to the first that holds users', async () => {
    const { asked, fetchPage } = pages({
      first: { items: [], nextCursor: 'a' },
      a: { items: [], nextCursor: 'b' },
      b: { items: ['Ada Lovelace'], nextCursor: 'c' },
    });
    expect(await firstFilledPage(fetchPage, undefined)).toEqual({
      items: ['Ada Lovelace'],
      nextCursor: 'c',
    });
    expect(asked).toEqual([undefined, 'a', 'b']);
  });

  it('answers a page with users, or the end, at once', async () => {
    const full = pages({ x: { items: ['Alan Turing'], nextCursor: 'y' } });
    expect((await firstFilledPage(full.fetchPage, 'x')).items).toEqual(['Alan Turing']);
    expect(full.asked).toEqual(['x']);
    const none = pages({ first: { items: [], nextCursor: null } });
    expect(await firstFilledPage(none.fetchPage, undefined)).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(none.asked).toHaveLength(1);
  });

  it('stops after a few follows, keeping the cursor so the pager can go on', async () => {
    const endless = pages(
      Object.fromEntries(
        ['first', ...Array.from({ length: 20 }, (_, i) => `c${i}`)].map((key, i) => [
          key,
          { items: [], nextCursor: `c${i}` },
        ]),
      ),
    );
    const page = await firstFilledPage(endless.fetchPage, undefined);
    expect(endless.asked).toHaveLength(emptyPageFollows + 1);
    expect(page.items).toEqual([]);
    expect(page.nextCursor).toBe(`c${emptyPageFollows}`);
  });
});
