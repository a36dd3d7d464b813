import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { SlotRangeQuery } from '@policloud/http';
import { PageQuery } from '../shared/page';

export class ListAllocationsQuery extends IntersectionType(PageQuery, SlotRangeQuery) {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) orderId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) siteId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) runId?: string;
}
