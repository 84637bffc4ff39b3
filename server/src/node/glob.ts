/**
 * Glob patterns for config `exclude` / `include` / `overrides[].files` and `.gitignore` lines,
 * compiled once into anchored regular expressions over `/`-separated relative paths.
 *
 * Semantics follow `.gitignore`, which users already know:
 * - `*` matches within one path segment, `?` one character, `[a-z]` a class, `{a,b}` alternatives,
 *   `**` any number of segments;
 * - a pattern with no `/` except a trailing one matches at any depth (`node_modules`, `*.pem`);
 * - a pattern that names a directory also matches everything under it;
 * - a trailing `/` restricts the pattern to directories.
 *
 * The generated expressions contain no nested quantifiers, so matching is linear in the path.
 */
export interface GlobMatcher {
  readonly pattern: string;
  /** `isDirectory` matters only for patterns ending in `/`. */
  matches(relativePath: string, isDirectory?: boolean): boolean;
}

export function compileGlob(pattern: string): GlobMatcher {
  let body = pattern.trim().replace(/\\/g, '/');
  const directoryOnly = body.endsWith('/');
  while (body.endsWith('/')) body = body.slice(0, -1);
  if (body.startsWith('./')) body = body.slice(2);
  const anchored = body.startsWith('/') || body.slice(0, -1).includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  const source = (anchored ? '' : '(?:.*/)?') + translate(body);
  // The path itself, or (as a directory) anything under it.
  const self = new RegExp(`^${source}$`);
  const under = new RegExp(`^${source}/`);
  return {
    pattern,
    matches(relativePath, isDirectory = false) {
      if (under.test(relativePath)) return true;
      return self.test(relativePath) && (!directoryOnly || isDirectory);
    },
  };
}

/** Matches when any of the patterns matches. */
export function compileGlobs(patterns: readonly string[]): (relativePath: string, isDirectory?: boolean) => boolean {
  const matchers = patterns.map(compileGlob);
  return (path, isDirectory) => matchers.some((matcher) => matcher.matches(path, isDirectory));
}

function translate(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const next = glob[i + 2];
        i++;
        if (atSegmentStart && next === '/') {
          out += '(?:[^/]*/)*';
          i++;
        } else if (atSegmentStart && next === undefined) {
          out += '.*';
        } else {
          out += '[^/]*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
      } else {
        let set = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = '^' + set.slice(1);
        out += `[${set}]`;
        i = close;
      }
    } else if (char === '{') {
      braceDepth++;
      out += '(?:';
    } else if (char === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (char === ',' && braceDepth > 0) {
      out += '|';
    } else if (char === '\\' && i + 1 < glob.length) {
      out += escapeRegExp(glob[++i]!);
    } else {
      out += escapeRegExp(char);
    }
  }
  return out + ')'.repeat(braceDepth);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
