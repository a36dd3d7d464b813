import secureJsonParse from 'secure-json-parse';
import { ProblemException } from './problem-details';

const FORBIDDEN = /forbidden prototype property/;

/**
 * Parses a JSON request body as Fastify does (prototype-poisoning keys refused, never dropped),
 * but tells the client which field it refused: a body that is valid JSON is not "not JSON".
 */
export function parseJsonBody(text: string): unknown {
  try {
    return secureJsonParse(text, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if (error instanceof SyntaxError && FORBIDDEN.test(error.message)) {
      const field = forbiddenField(JSON.parse(text) as unknown) ?? '__proto__';
      throw new ProblemException(400, 'The body uses a property name that is never accepted', [
        { field, message: `${field} is a forbidden property name` },
      ]);
    }
    throw new ProblemException(400, 'The body is not valid JSON');
  }
}

/** Dotted path of the first `__proto__` key or `constructor.prototype` pair in a parsed body. */
function forbiddenField(value: unknown, path = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    const child = (value as Record<string, unknown>)[key];
    if (key === '__proto__') return here;
    if (key === 'constructor' && child !== null && typeof child === 'object' && 'prototype' in child) {
      return `${here}.prototype`;
    }
    const found = forbiddenField(child, here);
    if (found) return found;
  }
  return undefined;
}
