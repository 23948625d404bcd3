/**
 * Fault injection and canned answers for the local providers, set through `PUT /_darkroom/faults`
 * (docs/faults.md). Providers ask `faults.find(service, operation, subjects)` before the real work.
 */
import { z } from 'zod';

/** The providers that take faults, by their SigV4 service names (as the edge routes them). */
export const faultServices = [
  'appsync',
  'cognito-idp',
  'dynamodb',
  'events',
  'lambda',
  'rekognition',
  's3',
  'sns',
  'sqs',
  'states',
] as const;
export type FaultService = (typeof faultServices)[number];

/**
 * What a fault does besides (or instead of) an error: `drop` loses an event or real-time frame,
 * `duplicate` delivers an event twice, `crash` kills the Lambda worker running the invocation,
 * `disconnect` closes a real-time connection.
 */
export const faultActions = ['drop', 'duplicate', 'crash', 'disconnect'] as const;
export type FaultAction = (typeof faultActions)[number];

const faultSchema = z
  .object({
    /** The provider's service name, as in a SigV4 credential scope (`s3`, `dynamodb`, `states`, …). */
    service: z.enum(faultServices),
    /** The operation (`DetectLabels`, `PutObject`, a function name, …); absent = every operation. */
    operation: z.string().min(1).optional(),
    /** The AWS error code to answer with. */
    error: z.string().min(1).optional(),
    /** Instead of an error: this body is the answer (a canned response). */
    response: z.unknown().optional(),
    /** The HTTP status of the error (default 400). */
    status: z.number().int().min(400).max(599).optional(),
    message: z.string().optional(),
    /** What happens instead of the real work (see faultActions). */
    action: z.enum(faultActions).optional(),
    /** The share of matching requests affected, 0..1 (default 1). */
    rate: z.number().min(0).max(1).optional(),
    /** Only the first `count` matching requests (after `rate`) are affected: deterministic failures. */
    count: z.number().int().min(1).optional(),
    /** Extra latency before answering (or failing). */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** An S3 key pattern (`*` wildcards) or a request field value the request must match. */
    match: z.string().min(1).optional(),
  })
  .strict();

export type Fault = z.infer<typeof faultSchema>;
export const faultListSchema = z.array(faultSchema);

/** `*` matches any run of characters; everything else is literal. */
export function matchesGlob(pattern: string, subject: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(subject);
}

interface Armed {
  fault: Fault;
  /** How many more requests a `count` fault affects. */
  remaining: number;
}

export class FaultRegistry {
  private list: Armed[] = [];

  /** Replaces every fault (validated; throws a ZodError on a bad shape); `count`s start afresh. */
  set(faults: unknown): Fault[] {
    this.list = faultListSchema.parse(faults).map((fault) => ({
      fault,
      remaining: fault.count ?? Number.POSITIVE_INFINITY,
    }));
    return this.all();
  }

  all(): Fault[] {
    return this.list.map(({ fault }) => fault);
  }

  clear(): void {
    this.list = [];
  }

  /** Whether any fault names this service (lets hot paths skip the work of naming their request). */
  has(service: FaultService): boolean {
    return this.list.some(({ fault }) => fault.service === service);
  }

  /**
   * The first fault that applies to this request, after its dice roll; `subjects` are the values
   * `match` may match (the S3 key, a function name, a request field).
   */
  find(
    service: FaultService,
    operation: string,
    subjects: readonly string[] = [],
    random = Math.random,
  ): Fault | undefined {
    for (const armed of this.list) {
      const { fault } = armed;
      if (fault.service !== service || armed.remaining <= 0) continue;
      if (fault.operation !== undefined && fault.operation !== operation) continue;
      const { match } = fault;
      if (match !== undefined && !subjects.some((subject) => matchesGlob(match, subject))) continue;
      if (random() >= (fault.rate ?? 1)) continue;
      armed.remaining -= 1;
      return fault;
    }
    return undefined;
  }
}

/** Waits out a fault's latency (if any). */
export async function applyLatency(fault: Fault | undefined): Promise<void> {
  if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
}
