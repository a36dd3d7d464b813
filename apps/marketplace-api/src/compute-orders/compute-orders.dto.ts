import {
  parseCurrency,
  parseGpuCount,
  parseGpuModel,
  parseOrderConstraints,
  parseOrderHours,
  parseSlot,
  parseUnitPrice,
  orderWindowErrors,
} from '@policloud/domain';
import { acrossFields, FollowsDomainRule } from '@policloud/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { GeoPointDto } from '../shared/common.dto';
import { PageQuery } from '../shared/page';

export class MaxDistanceDto {
  @ApiProperty({ type: GeoPointDto })
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  origin!: GeoPointDto;

  @ApiProperty({ example: 500 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  km!: number;
}

export class OrderConstraintsDto {
  @ApiPropertyOptional({ example: ['FR'], description: 'Country codes or blocs: EU, EEA, GCC, US' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(300)
  @IsString({ each: true })
  jurisdictions?: string[];

  @ApiPropertyOptional({ description: 'Operator under EU jurisdiction' })
  @IsOptional()
  @IsBoolean()
  sovereignOperator?: boolean;

  @ApiPropertyOptional({ type: MaxDistanceDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MaxDistanceDto)
  maxDistanceKm?: MaxDistanceDto;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() renewableOnly?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() maxCarbonGPerKwh?: number;
}

export class PlaceComputeOrderDto {
  @ApiProperty({ example: 8, description: 'GPUs needed at the same time and site' })
  @IsInt()
  @FollowsDomainRule(parseGpuCount)
  gpus!: number;

  @ApiProperty({ example: 4 }) @IsInt() @FollowsDomainRule(parseOrderHours) hours!: number;
  @ApiProperty({ example: '2026-03-01T08:00:00Z' })
  @IsString()
  @FollowsDomainRule(parseSlot)
  earliestStart!: string;
  @ApiProperty({ example: '2026-03-02T08:00:00Z', description: 'Exclusive' })
  @IsString()
  @FollowsDomainRule(parseSlot, acrossFields(orderWindowErrors))
  deadline!: string;
  @ApiPropertyOptional({ example: 'H100' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @FollowsDomainRule(parseGpuModel)
  gpuModel?: string;
  @ApiProperty({ example: 250, description: 'Minor units per GPU-hour' })
  @IsInt()
  @FollowsDomainRule(parseUnitPrice)
  maxPricePerGpuHour!: number;
  @ApiProperty({ example: 'EUR' })
  @IsString()
  @MaxLength(3)
  @FollowsDomainRule(parseCurrency)
  currency!: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() allOrNone?: boolean;

  @ApiPropertyOptional({ type: OrderConstraintsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderConstraintsDto)
  @FollowsDomainRule(parseOrderConstraints)
  constraints?: OrderConstraintsDto;
}

/** PATCH /v1/compute-orders/:id: any of the buyer's terms; those not given stay as they are. */
export class AmendComputeOrderDto {
  @ApiPropertyOptional({ example: 16 })
  @IsOptional()
  @IsInt()
  @FollowsDomainRule(parseGpuCount)
  gpus?: number;
  @ApiPropertyOptional({ example: 6 })
  @IsOptional()
  @IsInt()
  @FollowsDomainRule(parseOrderHours)
  hours?: number;
  @ApiPropertyOptional({ example: '2026-03-01T08:00:00Z' })
  @IsOptional()
  @IsString()
  @FollowsDomainRule(parseSlot)
  earliestStart?: string;
  @ApiPropertyOptional({ example: '2026-03-03T08:00:00Z', description: 'Exclusive' })
  @IsOptional()
  @IsString()
  @FollowsDomainRule(parseSlot)
  deadline?: string;
  @ApiPropertyOptional({ example: 'H200' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @FollowsDomainRule(parseGpuModel)
  gpuModel?: string;
  @ApiPropertyOptional({ example: 320, description: 'Minor units per GPU-hour' })
  @IsOptional()
  @IsInt()
  @FollowsDomainRule(parseUnitPrice)
  maxPricePerGpuHour?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allOrNone?: boolean;

  @ApiPropertyOptional({
    type: OrderConstraintsDto,
    description: 'Replaces the constraints as a whole ({} removes them all)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderConstraintsDto)
  @FollowsDomainRule(parseOrderConstraints)
  constraints?: OrderConstraintsDto;
}

export class ListComputeOrdersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'partially_filled', 'filled', 'cancelled'] })
  @IsOptional()
  @IsIn(['open', 'partially_filled', 'filled', 'cancelled'])
  status?: string;
}
