import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsString, MaxLength } from 'class-validator';

export class GeoPointDto {
  @ApiProperty({ example: 43.55 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  lat!: number;

  @ApiProperty({ example: 7.01 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  lon!: number;
}

export class WrittenDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Stream revision: send it back as If-Match to update' })
  revision!: number;
}

/** A window of hourly slots in a query: `from` inclusive, `to` exclusive (parsed by the domain). */
export class SlotWindowQuery {
  @ApiProperty({ example: '2027-03-01T00:00:00Z', description: 'First slot (inclusive)' })
  @IsString()
  @MaxLength(32)
  from!: string;

  @ApiProperty({ example: '2027-03-02T00:00:00Z', description: 'Slot after the last (exclusive)' })
  @IsString()
  @MaxLength(32)
  to!: string;
}
