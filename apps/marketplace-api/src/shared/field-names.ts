import { DomainError } from '@policloud/domain';

/**
 * The domain names fields as its commands do (`siteId`, `changes.pue`); a client sent `id` and
 * `pue`. Renames error fields by prefix so every 400 points at a field of the request.
 */
export async function inRequestTerms<T>(
  work: Promise<T>,
  renames: Record<string, string>,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof DomainError) || error.errors.length === 0) throw error;
    const rename = (field: string) => {
      for (const [from, to] of Object.entries(renames)) {
        if (field === from || field.startsWith(`${from}.`) || field.startsWith(`${from}[`)) {
          return `${to}${field.slice(from.length)}`.replace(/^\./, '');
        }
      }
      return field;
    };
    throw new DomainError(
      error.code,
      error.message,
      error.errors.map((e) => ({ ...e, field: rename(e.field) })),
    );
  }
}
