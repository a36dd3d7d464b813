/** A snapshot matching cannot run on (duplicate ids, malformed slots, negative quantities...). */
export class MatchingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatchingInputError';
  }
}
