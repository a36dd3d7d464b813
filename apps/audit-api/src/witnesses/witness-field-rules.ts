import {
  NOTE_SIGNATURE_COSIGNATURE_V1,
  parseSignatureLine,
  parseVerifierKey,
} from '@policloud/audit';
import type { FieldRule } from '@policloud/http';

type RuleAnswer = ReturnType<FieldRule>;

const refuse = (field: string, message: string): RuleAnswer => ({
  ok: false,
  errors: [{ field, message }],
});

/** The C2SP key name rules: no spaces, no "+" (it separates the parts of a verifier key). */
export const witnessNameRule: FieldRule = (value, field) =>
  typeof value === 'string' && value.length > 0 && value.length <= 200 && /^[^\s+]+$/.test(value)
    ? { ok: true }
    : refuse(field, 'must be 1 to 200 characters, without spaces or "+"');

/** A C2SP verifier key of a cosignature/v1 witness, as the audit library reads it. */
export const witnessVerifierKeyRule: FieldRule = (value, field) => {
  if (typeof value !== 'string') return refuse(field, 'must be a verifier key');
  try {
    const verifier = parseVerifierKey(value);
    return verifier.type === NOTE_SIGNATURE_COSIGNATURE_V1
      ? { ok: true }
      : refuse(field, 'must be a cosignature/v1 key (type 0x04)');
  } catch (error) {
    return refuse(field, (error as Error).message);
  }
};

/** One C2SP signature line ("— <name> <base64>"), as the audit library reads it. */
export const cosignatureLineRule: FieldRule = (value, field) => {
  if (typeof value !== 'string') return refuse(field, 'must be a cosignature line');
  try {
    parseSignatureLine(value.endsWith('\n') ? value : `${value}\n`);
    return { ok: true };
  } catch (error) {
    return refuse(field, (error as Error).message);
  }
};
