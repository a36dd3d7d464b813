import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class MarketPricesQuery {
  @ApiPropertyOptional({ description: 'Only this site' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  site?: string;

  @ApiProperty({ example: '2027-03-01T00:00:00Z', description: 'First slot (inclusive)' })
  @IsString()
  @MaxLength(32)
  from!: string;

  @ApiProperty({ example: '2027-03-02T00:00:00Z', description: 'Slot after the last (exclusive)' })
  @IsString()
  @MaxLength(32)
  to!: string;
}

export class MarketDepthQuery {
  @ApiProperty({ example: '2027-03-01T00:00:00Z', description: 'First slot (inclusive)' })
  @IsString()
  @MaxLength(32)
  from!: string;

  @ApiProperty({ example: '2027-03-02T00:00:00Z', description: 'Slot after the last (exclusive)' })
  @IsString()
  @MaxLength(32)
  to!: string;
}
