/** The local stack's configuration, read once from the environment (names are a fixed interface). */
import path from 'node:path';

export interface LocalConfig {
  port: number;
  host: string;
  dataDir: string;
  region: string;
  accountId: string;
  /** The credentials local clients sign with; the stack verifies signatures against them. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Confirm sign-ups without a code (the code is still printed and kept). */
  autoConfirm: boolean;
  /** `vision` runs the local analyser; `off` answers valid empty results. */
  visionMode: 'vision' | 'off';
  /** How often the sweeper runs locally. */
  sweepIntervalMs: number;
  /**
   * Let the admin API answer requests whose Host is not a loopback name (DARKROOM_ADMIN_ANY_HOST=1).
   * Off by default: a web page could otherwise reach it through a DNS name rebound to 127.0.0.1.
   */
  adminAnyHost: boolean;
}

function flagFromEnv(env: NodeJS.ProcessEnv, name: string): boolean {
  return env[name] === '1' || env[name] === 'true';
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be an integer port (0..65535), got "${raw}"`);
  }
  return value;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<LocalConfig> = {},
): LocalConfig {
  const visionMode = env.DARKROOM_VISION ?? 'vision';
  if (visionMode !== 'vision' && visionMode !== 'off') {
    throw new Error(`DARKROOM_VISION must be "vision" or "off", got "${visionMode}"`);
  }
  return {
    port: portFromEnv(env, 'DARKROOM_PORT', 4566),
    host: env.DARKROOM_HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.DARKROOM_DATA_DIR ?? '.darkroom'),
    region: 'us-east-1',
    accountId: '000000000000',
    credentials: { accessKeyId: 'darkroom-local', secretAccessKey: 'darkroom-local-secret' },
    autoConfirm: flagFromEnv(env, 'DARKROOM_AUTO_CONFIRM'),
    adminAnyHost: flagFromEnv(env, 'DARKROOM_ADMIN_ANY_HOST'),
    visionMode,
    sweepIntervalMs: 60_000,
    ...overrides,
  };
}
