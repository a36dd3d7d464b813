/**
 * Input settlement cannot settle: malformed figures, an allocation without an agreement in force,
 * duplicate ids, a pool record that does not balance or whose allocations are missing. The close
 * is refused as a whole rather than settled on a guess.
 */
export class SettlementInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettlementInputError';
  }
}
