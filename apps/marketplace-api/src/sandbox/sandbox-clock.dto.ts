import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { parseInstant } from '@policloud/domain';
import { FollowsDomainRule } from '@policloud/http';

export class AdvanceSandboxClockDto {
  @ApiProperty({
    example: '2027-04-01T00:00:00Z',
    description: 'The UTC instant the clock reads from now on; later than what it reads now',
  })
  @IsString()
  @MaxLength(40)
  @FollowsDomainRule(parseInstant)
  advanceTo!: string;
}

export class SandboxClockDto {
  @ApiProperty({ description: 'What the clock reads now (UTC)' }) now!: string;
  @ApiProperty({ description: 'What it read before this move (UTC)' }) previous!: string;
  @ApiProperty({ description: 'Revision of the clock stream (one per move)' }) revision!: number;
}
