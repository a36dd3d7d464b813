import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../shared/page';

export class ListAllocationsQuery extends PageQuery {
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
}
