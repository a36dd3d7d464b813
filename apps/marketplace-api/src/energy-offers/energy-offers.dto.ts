import { FollowsDomainRule } from '@policloud/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  ENERGY_SOURCES,
  EnergySource,
  parseAmendedProfile,
  parseCarbonIntensity,
  parseCurrency,
  parseListedProfile,
  parseOfferSiteIds,
  parseSlot,
  parseUnitPrice,
  parseWh,
} from '@policloud/domain';

/** A year of hourly slots (leap year included). */
export const MAX_PROFILE_SLOTS = 24 * 366;

export class SlotEnergyDto {
  @ApiProperty({ example: '2026-03-01T10:00:00Z', description: 'UTC whole hour' })
  @IsString()
  slot!: string;

  @ApiProperty({ example: 250000, description: 'Surplus in Wh (integer)' })
  @IsInt()
  wh!: number;
}

export class ListEnergyOfferDto {
  @ApiProperty({ example: ['cannes'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @FollowsDomainRule(parseOfferSiteIds)
  siteIds!: string[];

  @ApiProperty({ enum: ENERGY_SOURCES }) @IsIn(ENERGY_SOURCES) source!: EnergySource;
  @ApiProperty({ example: 12 })
  @IsInt()
  @FollowsDomainRule(parseCarbonIntensity)
  carbonGPerKwh!: number;
  @ApiProperty({ example: 4500, description: 'Minor units per MWh' })
  @IsInt()
  @FollowsDomainRule(parseUnitPrice)
  floorPricePerMwh!: number;
  @ApiProperty({ example: 'EUR' })
  @IsString()
  @MaxLength(3)
  @FollowsDomainRule(parseCurrency)
  currency!: string;

  @ApiProperty({ type: [SlotEnergyDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PROFILE_SLOTS)
  @ValidateNested({ each: true })
  @Type(() => SlotEnergyDto)
  @FollowsDomainRule(parseListedProfile)
  profile!: SlotEnergyDto[];
}

export class AmendEnergyOfferDto {
  @ApiProperty({ type: [SlotEnergyDto], description: 'New Wh for these slots; others keep theirs' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PROFILE_SLOTS)
  @ValidateNested({ each: true })
  @Type(() => SlotEnergyDto)
  @FollowsDomainRule(parseAmendedProfile)
  profile!: SlotEnergyDto[];
}

export class ReportCurtailmentDto {
  @ApiProperty({ example: '2026-03-01T10:00:00Z' })
  @IsString()
  @FollowsDomainRule(parseSlot)
  slot!: string;
  @ApiProperty({ example: 50000 }) @IsInt() @FollowsDomainRule(parseWh) whCurtailed!: number;
}

export class ListEnergyOffersQuery {
  @ApiPropertyOptional({ enum: ['open', 'withdrawn'] })
  @IsOptional()
  @IsIn(['open', 'withdrawn'])
  status?: 'open' | 'withdrawn';
}
