import { DomainError, DomainErrorCode } from '@policloud/domain';
import { problem, ProblemDetails } from '@policloud/http';

const STATUS: Record<DomainErrorCode, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
};

/** The domain's rejections as problem details: invalid input lists every offending field. */
export function domainProblem(error: unknown): ProblemDetails | undefined {
  if (!(error instanceof DomainError)) return undefined;
  return problem(STATUS[error.code], error.message, [...error.errors]);
}
