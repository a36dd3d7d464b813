/**
 * The one error type of the domain. `code` says how a caller should react (the HTTP layer maps
 * invalid → 400, not_found → 404, conflict → 409, forbidden → 403 or 404); `errors` names the
 * offending fields so a 400 can list them all at once.
 */
export type DomainErrorCode = 'invalid' | 'not_found' | 'conflict' | 'forbidden';

export interface FieldError {
  /** Path in the command's data, e.g. `profile[2].wh` or `constraints.maxDistanceKm.km`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalid(errors: readonly FieldError[], message = 'The command is invalid'): DomainError {
    return new DomainError('invalid', message, errors);
  }

  static notFound(what: string, id: string): DomainError {
    return new DomainError('not_found', `${what} ${id} does not exist`);
  }

  static conflict(message: string, errors: readonly FieldError[] = []): DomainError {
    return new DomainError('conflict', message, errors);
  }

  static forbidden(message: string, errors: readonly FieldError[] = []): DomainError {
    return new DomainError('forbidden', message, errors);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
