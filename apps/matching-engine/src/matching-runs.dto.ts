import { parseSlot } from '@policloud/domain';
import { FollowsDomainRule } from '@policloud/http';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class StartMatchingRunDto {
  @ApiPropertyOptional({ description: 'First slot; defaults to the next whole hour' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @FollowsDomainRule(parseSlot)
  from?: string;

  @ApiPropertyOptional({ description: 'Slot after the last (exclusive); defaults to from + 168 h' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @FollowsDomainRule(parseSlot)
  to?: string;
}
