// The resolver context (`ctx`) handed to request/response, as AppSync builds it.

export interface Info {
  fieldName: string;
  parentTypeName: string;
  variables: Record<string, unknown>;
  selectionSetList: string[];
  selectionSetGraphQL: string;
}

export interface Context {
  arguments: Record<string, unknown>;
  args: Record<string, unknown>;
  /** null for API_KEY callers; otherwise the mode's identity object (docs/appsync-reference.md §2.3). */
  identity: Record<string, unknown> | null;
  source: unknown;
  stash: Record<string, unknown>;
  prev: { result: unknown };
  result: unknown;
  error?: { message: string; type: string };
  request: { headers: Record<string, string>; domainName: string | null };
  info: Info;
  env: Record<string, string>;
}

export type AuthMode = 'AMAZON_COGNITO_USER_POOLS' | 'AWS_IAM' | 'API_KEY' | 'OPENID_CONNECT' | 'AWS_LAMBDA';

export interface ContextInit {
  arguments?: Record<string, unknown>;
  identity?: Record<string, unknown> | null;
  source?: unknown;
  stash?: Record<string, unknown>;
  prevResult?: unknown;
  result?: unknown;
  error?: { message: string; type: string };
  headers?: Record<string, string>;
  domainName?: string | null;
  info?: Partial<Info>;
  env?: Record<string, string>;
  /** What util.authType() reports; inferred from the identity when omitted. */
  authMode?: AuthMode;
}

const authModes = new WeakMap<Context, AuthMode>();

export function createContext(init: ContextInit = {}): Context {
  const args = init.arguments ?? {};
  const ctx: Context = {
    arguments: args,
    args,
    identity: init.identity ?? null,
    source: init.source ?? null,
    stash: init.stash ?? {},
    prev: { result: init.prevResult ?? null },
    result: init.result ?? null,
    ...(init.error ? { error: init.error } : {}),
    request: { headers: init.headers ?? {}, domainName: init.domainName ?? null },
    // Property by property, not a spread over defaults: a context is made for every field resolved.
    info: {
      fieldName: init.info?.fieldName ?? '',
      parentTypeName: init.info?.parentTypeName ?? '',
      variables: init.info?.variables ?? {},
      selectionSetList: init.info?.selectionSetList ?? [],
      selectionSetGraphQL: init.info?.selectionSetGraphQL ?? '',
    },
    env: init.env ?? {},
  };
  if (init.authMode) authModes.set(ctx, init.authMode);
  return ctx;
}

/** The caller's auth mode: as given to createContext, else inferred from the identity's shape. */
export function authModeOf(ctx: Context): AuthMode {
  const explicit = authModes.get(ctx);
  if (explicit) return explicit;
  const identity = ctx.identity;
  if (!identity) return 'API_KEY';
  if ('resolverContext' in identity) return 'AWS_LAMBDA';
  if ('userArn' in identity || 'accountId' in identity) return 'AWS_IAM';
  if (typeof identity.issuer === 'string' && !identity.issuer.includes('cognito')) return 'OPENID_CONNECT';
  return 'AMAZON_COGNITO_USER_POOLS';
}
