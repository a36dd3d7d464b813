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

  @ApiPropertyOptional({ description: 'Cursor: the nextAfter of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;
}

export interface Page<Item> {
  items: Item[];
  /** Where the next page starts; null on the last page. */
  nextAfter: string | null;
}

/** The sort key a cursor names, checked to be `length` strings. */
export function pageStart(after: string | undefined, length: number): string[] | undefined {
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
    throwIfInvalid([{ field: 'after', message: 'must be the nextAfter of a previous page' }]);
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
  return {
    items: page.map(present),
    nextAfter:
      rows.length > limit
        ? Buffer.from(JSON.stringify(sortKeyOf(last))).toString('base64url')
        : null,
  };
}
