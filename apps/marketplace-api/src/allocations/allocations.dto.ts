import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Allocations per page: a large run holds tens of thousands, too many for one response. */
export const ALLOCATIONS_PAGE_DEFAULT = 1_000;
export const ALLOCATIONS_PAGE_MAX = 5_000;

export class ListAllocationsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) orderId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) siteId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) runId?: string;
  @ApiPropertyOptional({ description: 'First slot (inclusive), e.g. 2027-03-01T00:00:00Z' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  from?: string;
  @ApiPropertyOptional({ description: 'Slot after the last (exclusive)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  to?: string;
  @ApiPropertyOptional({
    description: 'Page size',
    default: ALLOCATIONS_PAGE_DEFAULT,
    maximum: ALLOCATIONS_PAGE_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ALLOCATIONS_PAGE_MAX)
  limit?: number;
  @ApiPropertyOptional({ description: 'Cursor: the nextAfter of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;
}
