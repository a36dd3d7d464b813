import { Command } from '../shared/event';

export type ReportUsage = Command<
  'ReportUsage',
  {
    allocationId: string;
    /** The site the reporting site identity is bound to (set by the caller, not the body). */
    siteId: string;
    slot: string;
    gpuHoursDelivered: number;
    whConsumed: number;
    heatWhRecovered: number;
    reportedAt: string;
  }
>;

export type AmendUsage = Command<
  'AmendUsage',
  {
    allocationId: string;
    siteId: string;
    gpuHoursDelivered: number;
    whConsumed: number;
    heatWhRecovered: number;
    reason: string;
    amendedAt: string;
  }
>;

export type AllocationUsageCommand = ReportUsage | AmendUsage;
