import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { throwIfInvalid } from '@policloud/domain';

/**
 * Lists a page at a time: a large market holds tens of thousands of orders and allocations, too
 * many for one response. Pages follow the list's order; the cursor is the sort key of the last
 * item of the previous page (keyset paging: nothing skipped or repeated while rows are added).
 */
export const PAGE_DEFAULT = 1_000;
export const PAGE_MAX = 5_000;

export class PageQuery {
  @ApiPropertyOptional({ description: 'Page size', default: PAGE_DEFAULT, maximum: PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Cursor: the nextCursor (or nextAfter) of the previous page',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;

  @ApiPropertyOptional({ description: 'Same as `after`: the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<Item> {
  items: Item[];
  /** Where the next page starts; null on the last page. */
  nextAfter: string | null;
  /** The same cursor, under the name clients of other keyset APIs look for. */
  nextCursor: string | null;
}

/** The sort key a page's cursor (`after`, or its alias `cursor`) names, checked to be `length` strings. */
export function pageStart(query: PageQuery, length: number): string[] | undefined {
  if (query.after !== undefined && query.cursor !== undefined && query.after !== query.cursor) {
    throwIfInvalid([{ field: 'cursor', message: 'must be the same as after when both are given' }]);
  }
  const after = query.after ?? query.cursor;
  if (after === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (
    !Array.isArray(key) ||
    key.length !== length ||
    !key.every((part) => typeof part === 'string')
  ) {
    const field = query.after !== undefined ? 'after' : 'cursor';
    throwIfInvalid([{ field, message: 'must be the nextCursor of a previous page' }]);
  }
  return key as string[];
}

/** A page of `rows`, read with one row more than `limit` to know whether another page follows. */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  sortKeyOf: (row: Row) => string[],
  present: (row: Row) => Item,
): Page<Item> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    rows.length > limit ? Buffer.from(JSON.stringify(sortKeyOf(last))).toString('base64url') : null;
  return { items: page.map(present), nextAfter: next, nextCursor: next };
}
