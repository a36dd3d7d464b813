import { Response } from './marketplace-fixture';

/** The app's body limit: one byte more is a 413. */
export const BODY_LIMIT_BYTES = 256 * 1024;

interface FieldError {
  field: string;
  message: string;
}

/** `profile[0].wh` and `profile.0.wh` name the same field. */
export const normaliseField = (field: string) => field.replace(/\[(\d+)\]/g, '.$1');

/** An RFC 9457 problem with the given status. */
export function expectProblem(response: Response, status: number): void {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
  });
  expect((response.body.type as string).length).toBeGreaterThan(0);
}

/** The fields a 400 names, normalised. */
export function fieldsOf(response: Response): string[] {
  const errors = response.body.errors as FieldError[] | undefined;
  return (errors ?? []).map((error) => normaliseField(error.field));
}

export interface MatrixCell<Caller> {
  endpoint: string;
  caller: Caller;
  status: number;
  rule: string;
}

/**
 * An authorization matrix (one row per endpoint, one status per caller) as one cell per test,
 * each named after the rule its status stands for.
 */
export function matrixCells<Caller>(
  callers: readonly Caller[],
  matrix: [endpoint: string, ...statuses: number[]][],
  notFoundRule: string,
): MatrixCell<Caller>[] {
  const ruleOf = (status: number) =>
    status === 401
      ? 'a call without a valid API key is unauthenticated'
      : status === 403
        ? 'a caller without one of the route roles is forbidden'
        : status === 404
          ? notFoundRule
          : 'the caller may do this';
  return matrix.flatMap(([endpoint, ...statuses]) => {
    if (statuses.length !== callers.length) throw new Error(`${endpoint}: one status per caller`);
    return statuses.map((status, index) => ({
      endpoint,
      caller: callers[index],
      status,
      rule: ruleOf(status),
    }));
  });
}
