import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class StartMatchingRunDto {
  @ApiPropertyOptional({ description: 'First slot; defaults to the next whole hour' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  from?: string;

  @ApiPropertyOptional({ description: 'Slot after the last (exclusive); defaults to from + 168 h' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  to?: string;
}
