import { inputErrors } from './input-rules';
import { FieldError, ProblemException } from './problem-details';

/**
 * Parses a JSON request body. V8's JSON.parse does not recurse, so any nesting parses without
 * overflowing the stack; `__proto__` becomes an own key, inert until checkRequestInput refuses
 * it with the rest of the request's input.
 */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the body: it is not echoed back.
    throw new ProblemException(400, 'The body is not valid JSON');
  }
}

/** What a request carries from its client, as the router and the body parser left it. */
export interface RequestInput {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

/**
 * The one input rule of the API, run on every request before any route sees it: path
 * parameters, query and body are checked by inputErrors (unstorable text, prototype keys,
 * excessive nesting), and every offending field is listed in one 400.
 */
export function checkRequestInput(request: RequestInput): void {
  const errors: FieldError[] = [
    ...inputErrors(request.params, 'path'),
    ...inputErrors(request.query, 'query'),
    ...inputErrors(request.body, 'body'),
  ];
  if (errors.length > 0) {
    throw new ProblemException(400, 'The request contains input that is never accepted', errors);
  }
}
