export type { AuditedEvent } from '../audited-event';
export type {
  Inconsistency,
  InconsistencyKind,
  VerifyHistoryInput,
  VerifyHistoryResult,
} from './history-report';
export { verifyHistory } from './verify-history';
