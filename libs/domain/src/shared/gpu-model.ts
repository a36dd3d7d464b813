import { fail, ok, Parsed } from './validation';

/**
 * GPU models are names, not a fixed list (new generations ship every year); sites and orders
 * match on the exact string, so `H100` and `h100` are different models.
 */
export const GPU_MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,31}$/;

export function parseGpuModel(value: unknown, field: string): Parsed<string> {
  return typeof value === 'string' && GPU_MODEL_PATTERN.test(value)
    ? ok(value)
    : fail(field, 'must be a GPU model name such as H100, H200 or L40S (up to 32 characters)');
}
