/**
 * Worst-case documents described as data (so a worker thread can build them at any size): a fixed
 * head, units repeated to fill the requested size, and a fixed tail; optionally wrapped into lines
 * (to stay under the engine's line-length limit) or laid out as an indentation staircase (deep
 * YAML nesting).
 */
export interface Recipe {
  /** Path the document is scanned as; decides its file kinds. */
  readonly path: string;
  readonly head: string;
  /** Repeated in turn until the filler reaches the size. */
  readonly units: readonly string[];
  readonly tail: string;
  /** Wrap the filler into lines of this many characters (indent included, newline excluded). */
  readonly lineLength?: number;
  readonly indent?: string;
  /**
   * `fill` (default): the units in turn, over and over. `segments`: each unit repeated for an equal
   * share of the size, one after the other, so every run still grows with the size (a cheap way to
   * cover many characters in one document). `staircase`: each line one space deeper than the last
   * (`a:` maps nested as deep as the size allows).
   */
  readonly shape?: 'fill' | 'segments' | 'staircase';
}

export function buildDocument(recipe: Recipe, size: number): string {
  const room = Math.max(0, size - recipe.head.length - recipe.tail.length);
  return recipe.head + filler(recipe, room) + recipe.tail;
}

function repeatUnits(units: readonly string[], length: number): string {
  if (length <= 0 || units.length === 0) return '';
  const cycle = units.join('');
  if (cycle.length === 0) return '';
  return cycle.repeat(Math.ceil(length / cycle.length)).slice(0, length);
}

function raw(recipe: Recipe, length: number): string {
  if (recipe.shape === 'segments') {
    const share = Math.floor(length / recipe.units.length);
    const out = recipe.units.map((unit) => repeatUnits([unit], share)).join('');
    return out + repeatUnits(recipe.units.slice(-1), length - out.length);
  }
  return repeatUnits(recipe.units, length);
}

function filler(recipe: Recipe, room: number): string {
  if (recipe.shape === 'staircase') {
    const parts: string[] = [];
    let used = 0;
    for (let depth = 0; used < room; depth++) {
      const line = ' '.repeat(depth) + recipe.units.join('') + '\n';
      parts.push(line);
      used += line.length;
    }
    return parts.join('').slice(0, room);
  }
  if (!recipe.lineLength) return raw(recipe, room);
  const indent = recipe.indent ?? '';
  const body = Math.max(1, recipe.lineLength - indent.length);
  const lines = Math.ceil(room / (indent.length + body + 1));
  const text = raw(recipe, lines * body);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(indent, text.slice(i * body, (i + 1) * body), '\n');
  return out.join('').slice(0, room);
}

/** Deterministic pseudo-random generator (mulberry32), shared by the fuzz test and the recipes. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random-looking alphanumeric string (token bodies, near-miss secrets). */
export function randomToken(random: () => number, length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}
