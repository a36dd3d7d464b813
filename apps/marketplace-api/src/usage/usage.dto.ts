import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, MaxLength } from 'class-validator';

export class ReportUsageDto {
  @ApiProperty() @IsString() @MaxLength(128) allocationId!: string;
  @ApiProperty({ example: '2027-03-01T10:00:00Z' }) @IsString() @MaxLength(32) slot!: string;
  @ApiProperty({ description: 'GPU-hours actually delivered (≤ allocated GPUs)' })
  @IsInt()
  gpuHoursDelivered!: number;
  @ApiProperty({ description: 'Metered energy, Wh' }) @IsInt() whConsumed!: number;
  @ApiProperty({ description: 'Heat recovered, Wh' }) @IsInt() heatWhRecovered!: number;
}

export class AmendUsageDto {
  @ApiProperty() @IsInt() gpuHoursDelivered!: number;
  @ApiProperty() @IsInt() whConsumed!: number;
  @ApiProperty() @IsInt() heatWhRecovered!: number;
  @ApiProperty({ example: 'meter recalibrated' }) @IsString() @MaxLength(200) reason!: string;
}
