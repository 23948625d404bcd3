/**
 * The label index that searchImages reads, defined once: adjacency items in the Images table,
 * one per (owner, lower-cased label name or parent, image), partition `<sub>#label#<term>` and sort
 * key the image id (a ULID: newest first is a reverse Query, a date range is a key range).
 * save-result writes them with the result; deleteImage removes them. They hold no index attribute,
 * so no GSI sees them, and their partition is never an owner's, so listImages never does.
 * Resolvers bundle this module, so it stays APPSYNC_JS-safe (see contracts/image-item.ts).
 */

/**
 * The longest label term searched or indexed, in characters. Rekognition's names are a few words;
 * the cap keeps `labelPartition` far below DynamoDB's 2,048-byte partition key (4 bytes a character).
 */
export const maxLabelLength = 256;

/** How a label (or parent) name is matched: case-insensitively. */
export function labelTerm(name: string): string {
  return name.trim().toLowerCase();
}

/** The partition of one owner's images carrying one label term. */
export function labelPartition(owner: string, term: string): string {
  return `${owner}#label#${term}`;
}

/**
 * Every term an analysis is found by: each label's name and its parents, lower-cased, once each,
 * in the labels' order. At most `maxLabelTerms`: they are written in one transaction with the result.
 */
export function labelTerms(labels: ReadonlyArray<{ name: string; parents: readonly string[] }>): string[] {
  const terms: string[] = [];
  for (const label of labels) {
    for (const name of [label.name, ...label.parents]) {
      const term = labelTerm(name);
      if (
        term.length > 0 &&
        term.length <= maxLabelLength &&
        !terms.includes(term) &&
        terms.length < maxLabelTerms
      ) {
        terms.push(term);
      }
    }
  }
  return terms;
}

/** DynamoDB allows 100 items per transaction; save-result's has two more. 10 labels rarely pass 40. */
export const maxLabelTerms = 90;

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const timeDigits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The 10-character time prefix of a ULID made at `epochMs`. */
export function ulidTime(epochMs: number): string {
  let rest = Math.max(0, Math.floor(epochMs));
  let encoded = '';
  for (const _digit of timeDigits) {
    const quotient = Math.floor(rest / 32);
    encoded = crockford.charAt(rest - quotient * 32) + encoded;
    rest = quotient;
  }
  return encoded;
}

/** The smallest and largest ULID made within [fromMs, toMs]: a key range on `id`. */
export function ulidRange(fromMs: number, toMs: number): { from: string; to: string } {
  return { from: `${ulidTime(fromMs)}0000000000000000`, to: `${ulidTime(toMs)}ZZZZZZZZZZZZZZZZ` };
}
