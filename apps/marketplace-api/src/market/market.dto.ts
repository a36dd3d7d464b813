import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { SlotWindowQuery } from '../shared/common.dto';

class SiteFilterQuery {
  @ApiPropertyOptional({ description: 'Only this site' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  site?: string;
}

// The site first, then the window: the parameter order the contract documents.
export class MarketPricesQuery extends IntersectionType(SiteFilterQuery, SlotWindowQuery) {}

export class MarketDepthQuery extends SlotWindowQuery {}
