import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

export class InclusionProofQuery {
  @ApiProperty({ description: 'The event whose inclusion is proven' })
  @IsString()
  @MaxLength(128)
  eventId!: string;

  @ApiPropertyOptional({
    description: 'Tree size to prove against; default the newest checkpoint’s',
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  treeSize?: number;
}

export class ConsistencyProofQuery {
  @ApiProperty({ description: 'The smaller tree size (an older checkpoint’s)', minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  from!: number;

  @ApiProperty({ description: 'The larger tree size', minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  to!: number;
}
