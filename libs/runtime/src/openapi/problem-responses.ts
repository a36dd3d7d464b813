import type {
  OpenAPIObject,
  OperationObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, as the one exception filter writes them. */
export const PROBLEM_DETAILS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    type: { type: 'string', format: 'uri-reference' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'On a 400: every offending field',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, message: { type: 'string' } },
        required: ['field', 'message'],
      },
    },
  },
  required: ['title', 'status'],
};

const PROBLEM_REF = '#/components/schemas/ProblemDetails';

const WHY: Record<string, string> = {
  '400': 'Invalid input: `errors` names every offending field; nothing was changed',
  '401': 'No valid API key (Authorization: Bearer <api key>)',
  '403': 'The caller has none of the roles this needs',
  '404': 'Not found, or not the caller’s',
  '409': 'Idempotency-Key reused with another body, or a concurrent change',
  '412': 'If-Match names a stale revision',
  '413': 'Body over 256 KiB',
  '415': 'Body not application/json',
  '503': 'Storage or read models unavailable in time; retry',
};

/** The errors an operation can answer, from its shape: every one is problem+json. */
function problemStatuses(method: string, operation: OperationObject): string[] {
  const parameters = (operation.parameters ?? []) as { in?: string }[];
  const statuses = new Set<string>();
  if (operation.security?.length) statuses.add('401').add('403');
  if (parameters.length > 0 || operation.requestBody) statuses.add('400');
  if (parameters.some((parameter) => parameter.in === 'path')) statuses.add('404');
  if (operation.requestBody) statuses.add('413').add('415');
  if (method === 'post') statuses.add('409');
  if (method === 'patch' || method === 'put' || method === 'delete') statuses.add('409').add('412');
  statuses.add('503');
  return [...statuses].sort();
}

/** Adds the ProblemDetails schema and each operation's error responses (kept if declared). */
export function addProblemResponses(document: OpenAPIObject): void {
  document.components = document.components ?? {};
  document.components.schemas = {
    ...document.components.schemas,
    ProblemDetails: PROBLEM_DETAILS_SCHEMA,
  };
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, OperationObject][]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      for (const status of problemStatuses(method, operation)) {
        if (operation.responses[status]) continue;
        const response: ResponseObject = {
          description: WHY[status],
          content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_REF } } },
        };
        operation.responses[status] = response;
      }
    }
  }
}
