import { QueryRunner } from 'typeorm';

/**
 * For a migration that adds a projection's (empty) tables: on a deployment whose read models are
 * already filled, the projection is marked as halted at position 0, so the runner back-fills it
 * from the start of the log at its next start, as it resumes any halted projection, while the
 * others go on (a fresh database needs nothing: the runner starts from 0 anyway). Readers that
 * check for halted projections (the market state, the participant index) fall back meanwhile.
 */
export async function backfillNewProjection(
  runner: QueryRunner,
  projection: string,
  checkpointName = 'read-models',
): Promise<void> {
  await runner.query(
    `INSERT INTO projection_checkpoints (name, position)
     SELECT $1 || '/' || $2, 0 WHERE EXISTS (
       SELECT 1 FROM projection_checkpoints WHERE name = $1 AND position > 0)
     ON CONFLICT (name) DO NOTHING`,
    [checkpointName, projection],
  );
}
