/** RFC 9457 problem details, the body of every error response. */
export interface FieldError {
  /** Dotted path of the offending field in the request (e.g. `constraints.maxDistanceKm.km`). */
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail?: string, errors?: FieldError[]): ProblemDetails {
  const title = TITLES[status] ?? 'Error';
  return {
    type: `https://policloud.eu/problems/${title.toLowerCase().replace(/\s+/g, '-')}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(errors?.length ? { errors } : {}),
  };
}

/** An error the HTTP layer reports as is: status, detail and optional field errors. */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'ProblemException';
  }
}

export class PreconditionFailedException extends ProblemException {
  constructor(detail: string) {
    super(412, detail);
  }
}
