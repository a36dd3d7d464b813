/** One allocation the engine made: an order's GPUs at a site in a slot, with the energy drawn. */
export interface EngineAllocation {
  /** Index of the order in the compiled model. */
  order: number;
  /** Index of the site. */
  site: number;
  /** Index of the slot in the horizon. */
  slot: number;
  /** Reserve per GPU-hour the allocation pays (site reserve or its energy's, the higher). */
  reserve: number;
  /** Pairs (offer index, Wh), in draw order. */
  draws: number[];
  /** False once removed (the record stays, so a rollback can bring it back). */
  alive: boolean;
}

/** "No allocation", "no site", "no slot" in the engine's index arrays. */
export const NONE = -1;
