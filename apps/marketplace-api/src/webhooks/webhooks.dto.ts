import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  MAX_WEBHOOK_URL_LENGTH,
  parseWebhookEventTypes,
  parseWebhookUrl,
  WEBHOOK_EVENT_TYPES,
} from '@policloud/domain';
import { FollowsDomainRule } from '@policloud/http';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://buyer.example/policloud-hooks' })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  @FollowsDomainRule(parseWebhookUrl)
  url!: string;

  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    example: ['order.filled', 'statement.issued'],
    description: 'Facts of your own resources to be told of (operators and auditors: of all)',
  })
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsString({ each: true })
  @FollowsDomainRule(parseWebhookEventTypes)
  eventTypes!: string[];
}

export class WebhookDto {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) eventTypes!: string[];
  @ApiProperty({ enum: ['own', 'all'] }) scope!: string;
  @ApiProperty({ enum: ['active', 'disabled', 'deleted'] }) status!: string;
  @ApiProperty() revision!: number;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    description:
      'whsec_…: verifies webhook-signature (Standard Webhooks). Shown only in this response.',
  })
  secret!: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ description: 'The event id, sent as webhook-id' }) eventId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: ['pending', 'delivered'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true }) lastAttemptAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) lastStatusCode!: number | null;
  @ApiPropertyOptional({ nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ nullable: true }) nextAttemptAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) deliveredAt!: string | null;
}

export class WebhookDeliveriesQuery {
  @ApiPropertyOptional({ description: 'Page size', default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only deliveries of events after this log position' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;
}
