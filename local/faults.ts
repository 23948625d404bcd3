/**
 * Fault injection and canned answers for the local providers, set through `PUT /_darkroom/faults`.
 * Providers ask `faults.find(service, operation, subject)` before doing the real work.
 */
import { z } from 'zod';

const faultSchema = z
  .object({
    /** The provider's service name (`s3`, `rekognition`, `lambda`, …). */
    service: z.string().min(1),
    /** The operation (`DetectLabels`, `PutObject`, a function name, …); absent = every operation. */
    operation: z.string().min(1).optional(),
    /** The AWS error code to answer with. */
    error: z.string().min(1).optional(),
    /** Instead of an error: this body is the answer (a canned response). */
    response: z.unknown().optional(),
    /** The HTTP status of the error (default 400). */
    status: z.number().int().min(400).max(599).optional(),
    message: z.string().optional(),
    /** The share of matching requests affected, 0..1 (default 1). */
    rate: z.number().min(0).max(1).optional(),
    /**
     * Only the first `times` requests it applies to (after the dice roll); then it is spent. Makes
     * "fail exactly one invocation" deterministic, where a rate could fail every retry.
     */
    times: z.number().int().min(1).optional(),
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

export class FaultRegistry {
  private list: Fault[] = [];
  /** How many more requests each fault with `times` may affect. */
  private remaining = new Map<Fault, number>();

  /** Replaces every fault (validated; throws a ZodError on a bad shape). */
  set(faults: unknown): Fault[] {
    this.list = faultListSchema.parse(faults);
    this.remaining = new Map(
      this.list.flatMap((fault) => (fault.times === undefined ? [] : [[fault, fault.times] as const])),
    );
    return this.all();
  }

  all(): Fault[] {
    return [...this.list];
  }

  clear(): void {
    this.list = [];
    this.remaining.clear();
  }

  /**
   * The first fault that applies to this request, after its dice roll; `subjects` are the values
   * `match` may match (the S3 key, a function name, a request field).
   */
  find(
    service: string,
    operation: string,
    subjects: readonly string[] = [],
    random = Math.random,
  ): Fault | undefined {
    for (const fault of this.list) {
      if (fault.service !== service) continue;
      if (fault.operation !== undefined && fault.operation !== operation) continue;
      const { match } = fault;
      if (match !== undefined && !subjects.some((subject) => matchesGlob(match, subject))) continue;
      if (random() >= (fault.rate ?? 1)) continue;
      const left = this.remaining.get(fault);
      if (left === 0) continue;
      if (left !== undefined) this.remaining.set(fault, left - 1);
      return fault;
    }
    return undefined;
  }
}

/** Waits out a fault's latency (if any). */
export async function applyLatency(fault: Fault | undefined): Promise<void> {
  if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
}
