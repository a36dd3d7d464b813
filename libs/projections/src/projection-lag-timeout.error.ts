/** The read models did not reach a position in time: a passing condition, answered 503. */
export class ProjectionLagTimeoutError extends Error {
  constructor(position: number, reached: number) {
    super(`read models stopped short of position ${position} (at ${reached})`);
    this.name = 'ProjectionLagTimeoutError';
  }
}
