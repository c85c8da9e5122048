/**
 * A small seeded pseudo-random number generator, so that synthetic data is reproducible: the same
 * seed gives the same numbers on every machine and Node.js version. Not for anything secret.
 *
 * The core is sfc32 (Chris Doty-Humphrey's "small fast counting" generator from PractRand): 128
 * bits of state, one of them a counter, so every stream has a period of at least 2^32 and in
 * practice far more; it passes PractRand and BigCrush. Normal and Poisson draws are built on it
 * with Box-Muller and Knuth's multiplication method, using only `Math.log`, `Math.sqrt` and
 * `Math.cos`, which V8 computes with its own (fdlibm) code and so gives the same bits everywhere.
 */

const TWO_POW_32 = 4294967296;

/** A seeded generator of uniform, normal, Poisson and categorical draws. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed any safe integer (negative and above 2^32 included; all 53 bits count)
   * @param stream picks one of 2^32 independent streams for the same seed, so that separate
   *   concerns (say, the data and the dirt added to it) do not shift each other's draws
   * @default stream 0
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be a safe integer; received ${seed}`);
    }
    if (!Number.isInteger(stream) || stream < 0 || stream >= TWO_POW_32) {
      throw new RangeError(`stream must be an integer in [0, 2^32); received ${stream}`);
    }
    // PractRand's seeding of sfc32 from a 64-bit seed, with the stream in the word it leaves at 0.
    this.a = stream >>> 0;
    this.b = seed >>> 0;
    this.c = Math.floor(seed / TWO_POW_32) >>> 0;
    this.d = 1;
    for (let i = 0; i < 15; i++) {
      this.nextUint32();
    }
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new RangeError('cannot pick from an empty list');
    }
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** An index into `weights`, drawn with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((sum, w) => sum + w, 0);
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] ?? 0;
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** A normal draw (Box-Muller, one value per call). */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A Poisson draw (Knuth's method: fine for the small means synthetic data needs). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let product = this.next();
    while (product > limit) {
      k++;
      product *= this.next();
    }
    return k;
  }

  /** A gamma draw with an integer shape: the sum of `shape` exponential draws of mean `scale`. */
  erlang(shape: number, scale: number): number {
    let sum = 0;
    for (let i = 0; i < shape; i++) {
      sum -= Math.log(1 - this.next());
    }
    return sum * scale;
  }
}
