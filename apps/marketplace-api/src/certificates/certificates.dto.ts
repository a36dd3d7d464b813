import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SlotRangeQuery } from '@policloud/http';
import { PageQuery } from '../shared/page';

const STATUSES = ['issued', 'claimed', 'cancelled'] as const;

export class ExportCertificatesQuery extends SlotRangeQuery {
  @ApiPropertyOptional({
    description: 'Auditors: whose certificates (buyers always get their own)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  beneficiaryId?: string;
}

export class ListCertificatesQuery extends IntersectionType(PageQuery, ExportCertificatesQuery) {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];
}
