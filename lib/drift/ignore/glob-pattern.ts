/** Glob patterns for ignore entries: `*` matches any run of characters (dots and brackets too), `?` one. */

/** A matcher for `pattern`, matching whole strings. */
export function globMatcher(pattern: string): (text: string) => boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.+()[\]{}|/]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 's');
  return (text) => regex.test(text);
}
