// Control-flow signals thrown by util.error / util.unauthorized / runtime.earlyReturn. Resolver code
// cannot catch them (APPSYNC_JS has no try/catch); only `evaluate` does.

export interface ResolverError {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}

export class ErrorSignal {
  constructor(readonly error: ResolverError) {}
}

export class EarlyReturnSignal {
  constructor(
    readonly value: unknown,
    /** null when not given: the default (a function's request skips to the next function, the
     * resolver's request skips to the resolver's response). */
    readonly skipTo: 'END' | 'NEXT' | null,
  ) {}
}
