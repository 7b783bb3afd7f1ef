/** Time arrives through this seam so that decisions and tests never read the wall clock directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = Object.freeze({ now: () => new Date() });
