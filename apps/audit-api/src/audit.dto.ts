import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class AuditEventsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) stream?: string;
  @ApiPropertyOptional({ description: 'Acting participant (metadata.actor)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  participant?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) site?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) type?: string;
  @ApiPropertyOptional({ description: 'Recorded at or after (ISO instant)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;
  @ApiPropertyOptional({ description: 'Recorded before (ISO instant)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
  @ApiPropertyOptional({ description: 'Cursor: global position to continue after' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;
  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
