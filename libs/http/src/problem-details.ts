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
    ...(errors?.length ? { errors: oneEntryPerField(errors) } : {}),
  };
}

/**
 * One entry per field, in field order (`profile[2]` before `profile[10]`): the messages of a
 * field that several checks refused are joined, repeated messages said once.
 */
export function oneEntryPerField(errors: readonly FieldError[]): FieldError[] {
  const messages = new Map<string, string[]>();
  for (const { field, message } of errors) {
    const own = messages.get(field) ?? [];
    if (!own.includes(message)) own.push(message);
    messages.set(field, own);
  }
  return [...messages.entries()]
    .sort(([a], [b]) => compareFieldPaths(a, b))
    .map(([field, own]) => ({ field, message: own.join('; ') }));
}

/** Code-point order, except that runs of digits (list indexes) compare as numbers. */
function compareFieldPaths(a: string, b: string): number {
  const left = a.match(/\d+|\D+/g) ?? [];
  const right = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] === right[i]) continue;
    const bothNumbers = /^\d/.test(left[i]) && /^\d/.test(right[i]);
    if (bothNumbers && Number(left[i]) !== Number(right[i])) {
      return Number(left[i]) - Number(right[i]);
    }
    return left[i] < right[i] ? -1 : 1;
  }
  return left.length - right.length;
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
