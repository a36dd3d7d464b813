import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class CrudOrderConstraintsDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(300)
  @IsString({ each: true })
  @MaxLength(3, { each: true })
  jurisdictions?: string[];

  @IsOptional() @IsBoolean() sovereignOperator?: boolean;
  @IsOptional() @IsBoolean() renewableOnly?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(2_000) maxCarbonGPerKwh?: number;
}

/** The order body of POST /v1/compute-orders, validated the usual NestJS way. */
export class CrudPlaceOrderDto {
  @IsInt() @Min(1) @Max(400) gpus!: number;
  @IsInt() @Min(1) @Max(8_784) hours!: number;
  @IsISO8601({ strict: true }) earliestStart!: string;
  @IsISO8601({ strict: true }) deadline!: string;
  @IsOptional() @IsString() @MaxLength(32) gpuModel?: string;
  @IsInt() @Min(0) maxPricePerGpuHour!: number;
  @IsString() @IsIn(['EUR', 'USD', 'GBP', 'CHF']) currency!: string;
  @IsOptional() @IsBoolean() allOrNone?: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CrudOrderConstraintsDto)
  constraints?: CrudOrderConstraintsDto;
}
