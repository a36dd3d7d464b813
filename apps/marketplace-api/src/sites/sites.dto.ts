import {
  agreementShareErrors,
  maintenanceWindowErrors,
  parseAgreementProducers,
  parseBps,
  parseCertifications,
  parseCountry,
  parseCurrency,
  parseGeoPoint,
  parseGpuCount,
  parseGpuModel,
  parseGpuPowerKw,
  parseHeatRecovery,
  parseId,
  parsePue,
  parseSiteModel,
  parseSlot,
  parseText,
  parseUnitPrice,
  SITE_CHANGE_RULES,
} from '@policloud/domain';
import { acrossFields, FollowsDomainRule } from '@policloud/http';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { GeoPointDto, SlotWindowQuery } from '../shared/common.dto';
import { PageQuery } from '../shared/page';
import { decimalSchema, IsDecimal } from '../shared/validators';

export class HeatRecoveryDto {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({
    description: 'Share of the heat recovered, in bps (required when enabled)',
  })
  @IsOptional()
  @IsInt()
  @FollowsDomainRule(parseBps)
  recoveredShareBps?: number;
}

export class RegisterSiteDto {
  @ApiPropertyOptional({ description: 'Chosen id, e.g. "cannes"; generated when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @FollowsDomainRule(parseId)
  id?: string;

  @ApiProperty() @IsString() @MaxLength(200) @FollowsDomainRule(parseText) name!: string;
  @ApiProperty({ example: 'PC-100' })
  @IsString()
  @MaxLength(64)
  @FollowsDomainRule(parseSiteModel)
  model!: string;
  @ApiProperty({ example: 100 }) @IsInt() @FollowsDomainRule(parseGpuCount) gpuCount!: number;
  @ApiProperty({ example: 'H100' })
  @IsString()
  @MaxLength(32)
  @FollowsDomainRule(parseGpuModel)
  gpuModel!: string;
  @ApiProperty({
    ...decimalSchema(0.001, 10),
    example: '0.7',
    description: 'kW per GPU, server share included',
  })
  @IsDecimal()
  @FollowsDomainRule(parseGpuPowerKw)
  gpuPowerKw!: number | string;
  @ApiProperty({ ...decimalSchema(1, 3), example: '1.2', description: 'Power usage effectiveness' })
  @IsDecimal()
  @FollowsDomainRule(parsePue)
  pue!: number | string;

  @ApiProperty({ type: GeoPointDto })
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  @FollowsDomainRule(parseGeoPoint)
  location!: GeoPointDto;

  @ApiProperty({ example: 'FR' })
  @IsString()
  @MaxLength(2)
  @FollowsDomainRule(parseCountry)
  country!: string;
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  @FollowsDomainRule(parseText)
  operatorLegalEntity!: string;
  @ApiProperty({ example: 'FR' })
  @IsString()
  @MaxLength(2)
  @FollowsDomainRule(parseCountry)
  operatorJurisdiction!: string;

  @ApiProperty({ example: ['SecNumCloud'] })
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @FollowsDomainRule(parseCertifications)
  certifications!: string[];

  @ApiProperty()
  @IsString()
  @MaxLength(128)
  @FollowsDomainRule(parseId)
  hostParticipantId!: string;

  @ApiProperty({ type: HeatRecoveryDto })
  @IsObject()
  @ValidateNested()
  @Type(() => HeatRecoveryDto)
  @FollowsDomainRule(parseHeatRecovery)
  heatRecovery!: HeatRecoveryDto;

  @ApiProperty({ description: 'Minor units per GPU-hour' })
  @IsInt()
  @FollowsDomainRule(parseUnitPrice)
  reservePricePerGpuHour!: number;
  @ApiProperty({ example: 'EUR' })
  @IsString()
  @MaxLength(3)
  @FollowsDomainRule(parseCurrency)
  currency!: string;
}

/** An update's fields are checked by the rules the site's decider applies to them. */
const change = SITE_CHANGE_RULES;

export class UpdateSiteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @FollowsDomainRule(change.name)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @FollowsDomainRule(change.certifications)
  certifications?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @FollowsDomainRule(change.reservePricePerGpuHour)
  reservePricePerGpuHour?: number;
  @ApiPropertyOptional({ ...decimalSchema(1, 3), description: 'Power usage effectiveness' })
  @IsOptional()
  @IsDecimal()
  @FollowsDomainRule(change.pue)
  pue?: number | string;

  @ApiPropertyOptional({ type: HeatRecoveryDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HeatRecoveryDto)
  @FollowsDomainRule(change.heatRecovery)
  heatRecovery?: HeatRecoveryDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @FollowsDomainRule(change.operatorLegalEntity)
  operatorLegalEntity?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2)
  @FollowsDomainRule(change.operatorJurisdiction)
  operatorJurisdiction?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @FollowsDomainRule(change.hostParticipantId)
  hostParticipantId?: string;

  @ApiPropertyOptional({ enum: ['active', 'suspended'] })
  @IsOptional()
  @IsIn(['active', 'suspended'])
  @FollowsDomainRule(change.status)
  status?: 'active' | 'suspended';
}

export class ScheduleMaintenanceDto {
  @ApiProperty({ example: '2026-03-01T10:00:00Z' })
  @IsString()
  @FollowsDomainRule(parseSlot)
  from!: string;
  @ApiProperty({ example: '2026-03-01T14:00:00Z' })
  @IsString()
  @FollowsDomainRule(parseSlot, acrossFields(maintenanceWindowErrors))
  to!: string;
  /** At most the site's GPUs: the decider knows the site, the edge the largest site. */
  @ApiProperty() @IsInt() @FollowsDomainRule(parseGpuCount) gpusOffline!: number;
}

export class AgreementProducerDto {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  @FollowsDomainRule(parseId)
  participantId!: string;
}

export class SetAgreementDto {
  @ApiProperty({ example: '2026-03-01T00:00:00Z' })
  @IsString()
  @FollowsDomainRule(parseSlot)
  effectiveFrom!: string;
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  @FollowsDomainRule(parseId)
  hostParticipantId!: string;

  @ApiProperty({ type: [AgreementProducerDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AgreementProducerDto)
  @FollowsDomainRule(parseAgreementProducers)
  producers!: AgreementProducerDto[];

  @ApiProperty({ example: 7000 })
  @IsInt()
  @FollowsDomainRule(parseBps, acrossFields(agreementShareErrors))
  producersShareBps!: number;
  @ApiProperty({ example: 3000 }) @IsInt() @FollowsDomainRule(parseBps) hostShareBps!: number;
  @ApiPropertyOptional({ description: 'Minor units per MWh of recovered heat' })
  @IsOptional()
  @IsInt()
  @FollowsDomainRule(parseUnitPrice)
  heatPricePerMwh?: number;
}

export class ListSitesQuery {
  @ApiPropertyOptional({ example: 'FR' }) @IsOptional() @IsString() @MaxLength(2) country?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) status?: string;
}

export class CapacityQuery extends SlotWindowQuery {}

/** The network's capacity a page of sites at a time (`limit` sites, 100 unless given, at most 200). */
export class NetworkCapacityQuery extends IntersectionType(SlotWindowQuery, PageQuery) {
  @ApiPropertyOptional({ example: 'FR', description: 'Only the sites of this country' })
  @IsOptional()
  @IsString()
  @MaxLength(2)
  country?: string;
}
