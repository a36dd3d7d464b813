import { parseCountry, parseId, parseRoles, parseText } from '@policloud/domain';
import { FollowsDomainRule } from '@policloud/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { ROLES } from '@policloud/auth';

export class RegisterParticipantDto {
  @ApiPropertyOptional({
    description: 'Chosen id (letters, digits, _ . : -); generated when absent',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @FollowsDomainRule(parseId)
  id?: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  @FollowsDomainRule(parseText)
  name!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  @FollowsDomainRule(parseRoles)
  roles!: (typeof ROLES)[number][];

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'FR' })
  @IsString()
  @MaxLength(2)
  @FollowsDomainRule(parseCountry)
  country!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @FollowsDomainRule(parseText)
  legalEntity?: string;

  @ApiPropertyOptional({ description: 'Required for a site identity: the site it reports for' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @FollowsDomainRule(parseId)
  siteId?: string;
}

export class ParticipantCreatedDto {
  @ApiProperty() id!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Opaque bearer key (not a JWT): shown once, stored only as its SHA-256; null on an idempotent repeat',
  })
  apiKey!: string | null;
}
