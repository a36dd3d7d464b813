import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { READ_MODELS } from '@policloud/http';
import { ProjectionRunner } from '@policloud/projections';
import { PROJECTION_RUNNER } from '@policloud/runtime';
import { Marketplace, Party, siteBody } from './support/marketplace-fixture';

/**
 * Any text the API accepts is stored and read back exactly: through the event, the projection
 * and the read model, and again after the read models are rebuilt from position 0.
 */
describe('accepted text survives projection and rebuild', () => {
  let market: Marketplace;
  let host: Party;
  let readModels: DataSource;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    market = await Marketplace.boot();
    host = await market.participant(['host']);
    readModels = market.app.get<DataSource>(READ_MODELS);
    runner = market.app.get<ProjectionRunner>(PROJECTION_RUNNER);
  });
  afterAll(() => market.close());

  /** Text that is hard to carry: emoji sequences, combining marks, RTL, quotes, escapes. */
  const SAMPLES = [
    '👩‍👩‍👧‍👦 family',
    'e\u0301te\u0301 (combining acute)',
    'שלום עולם',
    'مرحبا بالعالم',
    'mixed \u202eRTL override\u202c end',
    '"double" and \'single\' quotes',
    'back\\slash \\u0000 \\n literal escapes',
    'tab\tand\nnew line inside',
    'line\u2028separator\u2029paragraph',
    'zero\u200bwidth\ufeffno-break',
    '\u0001\u001f controls',
    'noncharacter \uffff and 𝕏 astral',
    '%00 and %ED%A0%80 as text',
    "Robert'); DROP TABLE rm_sites;--",
    '{"json": [1, 2]}',
  ];
  /** What a text field accepts: non-empty, no surrounding whitespace, no NUL, within `max`. */
  const acceptedText = (max: number) =>
    fc
      .oneof(
        fc.constantFrom(...SAMPLES),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
        fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 30 }),
      )
      .map((text) => text.replaceAll('\u0000', '').slice(0, max))
      .filter((text) => text.length > 0 && text.trim() === text && !/\p{Cs}/u.test(text));

  /** Accepted text with a NUL or an unpaired surrogate spliced in: refused, naming the field. */
  const unstorableText = fc
    .tuple(
      acceptedText(100),
      fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d'),
      fc.nat({ max: 100 }),
    )
    .map(([text, bad, at]) => `${text.slice(0, at)}${bad}${text.slice(at)}`);

  async function readModelState(table: string, id: string): Promise<Record<string, unknown>> {
    await runner.waitFor(await market.head());
    const rows = (await readModels.query(`SELECT state FROM ${table} WHERE id = $1`, [id])) as {
      state: Record<string, unknown>;
    }[];
    return rows[0]?.state ?? {};
  }

  let n = 0;

  it('property: a site and a participant keep their text exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ arbitrary: acceptedText(200), weight: 4 }, unstorableText),
        acceptedText(64),
        acceptedText(200),
        async (name, model, legalEntity) => {
          const siteId = `text-site-${++n}`;
          const before = await market.head();
          const created = await market.request('POST', '/v1/sites', {
            body: siteBody(siteId, host.id, { name, model, operatorLegalEntity: legalEntity }),
          });
          if (/[\0\p{Cs}]/u.test(name)) {
            // Text that cannot be stored is refused up front, never half-written.
            expect({ status: created.status, body: created.body }).toMatchObject({
              status: 400,
              body: { errors: [expect.objectContaining({ field: 'name' })] },
            });
            expect(await market.head()).toBe(before);
            return;
          }
          expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
          const site = await market.request('GET', `/v1/sites/${siteId}`);
          expect(site.body).toMatchObject({ name, model, operatorLegalEntity: legalEntity });

          const renamed = await market.request('PATCH', `/v1/sites/${siteId}`, {
            body: { name: legalEntity },
          });
          expect(renamed.status).toBe(200);
          expect((await market.request('GET', `/v1/sites/${siteId}`)).body).toMatchObject({
            name: legalEntity,
          });

          const participant = await market.request<{ id: string }>('POST', '/v1/participants', {
            body: { name, legalEntity, roles: ['buyer'], country: 'FR' },
          });
          expect(participant.status).toBe(201);
          expect(await readModelState('rm_participants', participant.body.id)).toMatchObject({
            name,
            legalEntity,
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rebuilding the read models from position 0 gives the same rows', async () => {
    const snapshot = async () => {
      await runner.waitFor(await market.head());
      return {
        sites: (await readModels.query('SELECT * FROM rm_sites ORDER BY id')) as unknown[],
        participants: (await readModels.query(
          'SELECT * FROM rm_participants ORDER BY id',
        )) as unknown[],
      };
    };
    const before = await snapshot();
    expect(before.sites.length).toBeGreaterThanOrEqual(30);

    await runner.rebuild();
    expect(await snapshot()).toEqual(before);
  });
});
