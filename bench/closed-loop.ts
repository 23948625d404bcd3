/** A closed-loop load driver: `connections` workers each send the next request as the last answers. */
export interface LoopResult {
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** This process's CPU (every thread: the stack's workers too) per answered request, ms. */
  cpuMsPerRequest: number;
  /** The main thread's share of it (the stack's event loop and the clients), ms. */
  mainCpuMsPerRequest: number;
  /** `otherCpuMs`'s CPU (DynamoDB Local's JVM) per answered request, ms; NaN without one. */
  otherCpuMsPerRequest: number;
}

export interface LoopOptions {
  connections: number;
  seconds: number;
  /** Cumulative CPU ms of another process, read before and after the loop. */
  otherCpuMs?: () => number;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function mainThreadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

export async function closedLoop(
  call: () => Promise<unknown>,
  { connections, seconds, otherCpuMs }: LoopOptions,
): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const cpuBefore = processCpuMs();
  const mainBefore = mainThreadCpuMs();
  const otherBefore = otherCpuMs?.() ?? Number.NaN;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = processCpuMs() - cpuBefore;
  const main = mainThreadCpuMs() - mainBefore;
  const other = (otherCpuMs?.() ?? Number.NaN) - otherBefore;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors,
    perSecond: sorted.length / elapsed,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuMsPerRequest: cpu / Math.max(1, sorted.length),
    mainCpuMsPerRequest: main / Math.max(1, sorted.length),
    otherCpuMsPerRequest: other / Math.max(1, sorted.length),
  };
}
