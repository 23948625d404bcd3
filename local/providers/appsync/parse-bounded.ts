/**
 * Parses a GraphQL document within bounds, before graphql-js's recursive-descent parser sees it:
 * a token count (graphql-js `maxTokens`) and a nesting depth found by lexing alone, which never
 * recurses. graphql-js recurses once per `{`, `(` or `[`, so a few thousand levels exhaust the
 * stack ("Maximum call stack size exceeded") before `maxTokens` is reached; here they are refused
 * with an error that names the limit.
 */
import { type DocumentNode, GraphQLError, Lexer, parse, Source, TokenKind } from 'graphql';

export interface ParseBounds {
  maxTokens: number;
  /** Deepest nesting of `{`, `(` and `[` allowed. */
  maxNesting: number;
}

const opening = new Set<string>([TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L]);
const closing = new Set<string>([TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R]);

/** The document, or a GraphQLError (syntax, too many tokens, too deep) as graphql-js reports it. */
export function parseBounded(text: string, bounds: ParseBounds): DocumentNode {
  const source = new Source(text);
  const lexer = new Lexer(source);
  let depth = 0;
  let tokens = 0;
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    tokens += 1;
    if (tokens > bounds.maxTokens) {
      throw new GraphQLError(
        `Syntax Error: Document contains more than ${bounds.maxTokens} tokens. Parsing aborted.`,
        { source, positions: [token.start] },
      );
    }
    if (opening.has(token.kind)) depth += 1;
    else if (closing.has(token.kind)) depth -= 1;
    if (depth > bounds.maxNesting) {
      throw new GraphQLError(`Document nesting exceeds ${bounds.maxNesting} levels. Parsing aborted.`, {
        source,
        positions: [token.start],
      });
    }
  }
  return parse(source, { maxTokens: bounds.maxTokens });
}
