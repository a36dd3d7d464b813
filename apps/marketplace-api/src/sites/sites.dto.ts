import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { GeoPointDto } from '../shared/common.dto';
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
  recoveredShareBps?: number;
}

export class RegisterSiteDto {
  @ApiPropertyOptional({ description: 'Chosen id, e.g. "cannes"; generated when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  id?: string;

  @ApiProperty() @IsString() @MaxLength(200) name!: string;
  @ApiProperty({ example: 'PC-100' }) @IsString() @MaxLength(64) model!: string;
  @ApiProperty({ example: 100 }) @IsInt() gpuCount!: number;
  @ApiProperty({ example: 'H100' }) @IsString() @MaxLength(32) gpuModel!: string;
  @ApiProperty({
    ...decimalSchema(0.001, 10),
    example: '0.7',
    description: 'kW per GPU, server share included',
  })
  @IsDecimal()
  gpuPowerKw!: number | string;
  @ApiProperty({ ...decimalSchema(1, 3), example: '1.2', description: 'Power usage effectiveness' })
  @IsDecimal()
  pue!: number | string;

  @ApiProperty({ type: GeoPointDto })
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  location!: GeoPointDto;

  @ApiProperty({ example: 'FR' }) @IsString() @MaxLength(2) country!: string;
  @ApiProperty() @IsString() @MaxLength(200) operatorLegalEntity!: string;
  @ApiProperty({ example: 'FR' }) @IsString() @MaxLength(2) operatorJurisdiction!: string;

  @ApiProperty({ example: ['SecNumCloud'] })
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  certifications!: string[];

  @ApiProperty() @IsString() @MaxLength(128) hostParticipantId!: string;

  @ApiProperty({ type: HeatRecoveryDto })
  @IsObject()
  @ValidateNested()
  @Type(() => HeatRecoveryDto)
  heatRecovery!: HeatRecoveryDto;

  @ApiProperty({ description: 'Minor units per GPU-hour' })
  @IsInt()
  reservePricePerGpuHour!: number;
  @ApiProperty({ example: 'EUR' }) @IsString() @MaxLength(3) currency!: string;
}

export class UpdateSiteDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  certifications?: string[];

  @ApiPropertyOptional() @IsOptional() @IsInt() reservePricePerGpuHour?: number;
  @ApiPropertyOptional({ ...decimalSchema(1, 3), description: 'Power usage effectiveness' })
  @IsOptional()
  @IsDecimal()
  pue?: number | string;

  @ApiPropertyOptional({ type: HeatRecoveryDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HeatRecoveryDto)
  heatRecovery?: HeatRecoveryDto;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) operatorLegalEntity?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2) operatorJurisdiction?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) hostParticipantId?: string;

  @ApiPropertyOptional({ enum: ['active', 'suspended'] })
  @IsOptional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';
}

export class ScheduleMaintenanceDto {
  @ApiProperty({ example: '2026-03-01T10:00:00Z' }) @IsString() from!: string;
  @ApiProperty({ example: '2026-03-01T14:00:00Z' }) @IsString() to!: string;
  @ApiProperty() @IsInt() gpusOffline!: number;
}

export class AgreementProducerDto {
  @ApiProperty() @IsString() @MaxLength(128) participantId!: string;
}

export class SetAgreementDto {
  @ApiProperty({ example: '2026-03-01T00:00:00Z' }) @IsString() effectiveFrom!: string;
  @ApiProperty() @IsString() @MaxLength(128) hostParticipantId!: string;

  @ApiProperty({ type: [AgreementProducerDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AgreementProducerDto)
  producers!: AgreementProducerDto[];

  @ApiProperty({ example: 7000 }) @IsInt() producersShareBps!: number;
  @ApiProperty({ example: 3000 }) @IsInt() hostShareBps!: number;
  @ApiPropertyOptional({ description: 'Minor units per MWh of recovered heat' })
  @IsOptional()
  @IsInt()
  heatPricePerMwh?: number;
}

export class ListSitesQuery {
  @ApiPropertyOptional({ example: 'FR' }) @IsOptional() @IsString() @MaxLength(2) country?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) status?: string;
}

export class CapacityQuery {
  @ApiProperty({ example: '2027-03-01T00:00:00Z', description: 'First slot (inclusive)' })
  @IsString()
  @MaxLength(32)
  from!: string;

  @ApiProperty({ example: '2027-03-02T00:00:00Z', description: 'Slot after the last (exclusive)' })
  @IsString()
  @MaxLength(32)
  to!: string;
}
