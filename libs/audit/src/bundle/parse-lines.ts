import { isObject } from './line-fields';
import { VerificationReport } from './verification';

/** The bundle's lines (a final newline ends the last one); undefined for an empty bundle. */
export function splitLines(ndjson: string): string[] | undefined {
  const lines = ndjson.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 1 && lines[0] === '' ? undefined : lines;
}

/**
 * Each line's JSON object, or undefined for a line that failed (reported on it): blank, not JSON,
 * not an object, or not byte for byte as JSON.stringify writes it back.
 */
export function parseLines(
  lines: readonly string[],
  report: VerificationReport,
): (Record<string, unknown> | undefined)[] {
  return lines.map((text, i) => {
    const line = i + 1;
    if (text === '') {
      report.fail(line, 'parse', 'empty line');
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      report.fail(line, 'parse', `not valid JSON (${(error as Error).message})`);
      return undefined;
    }
    if (!isObject(value)) {
      report.fail(line, 'parse', 'not a JSON object');
      return undefined;
    }
    if (JSON.stringify(value) !== text) {
      report.fail(
        line,
        'malformed',
        'not written as the exporter writes it (whitespace, escapes, number form or a duplicate key differ): the line was edited',
      );
      return undefined;
    }
    return value;
  });
}
