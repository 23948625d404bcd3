/**
 * What every local provider is built with: the stack's configuration, its one fault registry, its
 * log and its clock. Each provider's options extend this type, so a provider cannot be built
 * without faults (S3 once was, and its faults were accepted by the admin API and never fired).
 */
import type { LocalConfig } from './config.ts';
import { FaultRegistry } from './faults.ts';

export interface ProviderContext {
  config: LocalConfig;
  /** The registry `PUT /_darkroom/faults` fills; providers ask it before doing the real work. */
  faults: FaultRegistry;
  /** The stack's own messages (boot, recovery, sign-up codes, injected faults). */
  log: (line: string) => void;
  /** Now, as the provider should see it (tests move it to expire signatures, policies, TTLs). */
  clock: () => Date;
}

/** A context for tests and tools: fresh faults, a silent log and the real clock unless given. */
export function providerContext(
  config: LocalConfig,
  overrides: Partial<Omit<ProviderContext, 'config'>> = {},
): ProviderContext {
  return {
    config,
    faults: overrides.faults ?? new FaultRegistry(),
    log: overrides.log ?? (() => {}),
    clock: overrides.clock ?? (() => new Date()),
  };
}
