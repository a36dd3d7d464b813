import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The `from`/`to` slot window that list and report queries share; the services parse the slots. */
export class SlotRangeQuery {
  @ApiPropertyOptional({ description: 'First slot (inclusive), e.g. 2027-03-01T00:00:00Z' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  from?: string;
  @ApiPropertyOptional({ description: 'Slot after the last (exclusive)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  to?: string;
}
