import { ApiProperty } from '@nestjs/swagger';
import { IsNumber } from 'class-validator';

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
