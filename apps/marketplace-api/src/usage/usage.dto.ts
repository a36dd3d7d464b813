import { parseGpuHoursDelivered, parseId, parseSlot, parseText, parseWh } from '@policloud/domain';
import { FollowsDomainRule } from '@policloud/http';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, MaxLength } from 'class-validator';

export class ReportUsageDto {
  @ApiProperty() @IsString() @MaxLength(128) @FollowsDomainRule(parseId) allocationId!: string;
  @ApiProperty({ example: '2027-03-01T10:00:00Z' })
  @IsString()
  @MaxLength(32)
  @FollowsDomainRule(parseSlot)
  slot!: string;
  @ApiProperty({ description: 'GPU-hours actually delivered (≤ allocated GPUs)' })
  @IsInt()
  @FollowsDomainRule(parseGpuHoursDelivered)
  gpuHoursDelivered!: number;
  @ApiProperty({ description: 'Metered energy, Wh' })
  @IsInt()
  @FollowsDomainRule(parseWh)
  whConsumed!: number;
  @ApiProperty({ description: 'Heat recovered, Wh' })
  @IsInt()
  @FollowsDomainRule(parseWh)
  heatWhRecovered!: number;
}

export class AmendUsageDto {
  @ApiProperty()
  @IsInt()
  @FollowsDomainRule(parseGpuHoursDelivered)
  gpuHoursDelivered!: number;
  @ApiProperty() @IsInt() @FollowsDomainRule(parseWh) whConsumed!: number;
  @ApiProperty() @IsInt() @FollowsDomainRule(parseWh) heatWhRecovered!: number;
  @ApiProperty({ example: 'meter recalibrated' })
  @IsString()
  @MaxLength(200)
  @FollowsDomainRule(parseText)
  reason!: string;
}
