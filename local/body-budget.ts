/**
 * How many bytes of request bodies the edge holds in memory at once, across all requests. Each
 * body is bounded on its own (64 MB for S3), but nothing bounded their sum: 60 unsigned 63 MB PUTs
 * in parallel grew the process by 2.7 GB before S3 refused them, so a few hundred would have
 * killed the stack. A request that would pass the budget is refused at once with a retryable 503
 * (S3's SlowDown), which every AWS SDK retries with backoff.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly limitBytes: number) {}

  /** Holds `bytes` more, or answers false (and holds nothing) when that would pass the limit. */
  tryTake(bytes: number): boolean {
    if (this.held + bytes > this.limitBytes) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  heldBytes(): number {
    return this.held;
  }
}

/**
 * 512 MiB: twenty 25 MB photos (the largest upload) arriving at once, far more than a client's
 * upload concurrency, and a bound the process survives on a small machine.
 */
export const edgeBodyBudgetBytes = 512 * 1024 * 1024;
