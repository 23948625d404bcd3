import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('reads the port from the environment it is given, not the process one', () => {
    expect(loadConfig({ DARKROOM_PORT: '5123' }).port).toBe(5123);
    expect(loadConfig({}).port).toBe(4566);
  });

  it('refuses a port that is not an integer in 0..65535', () => {
    expect(() => loadConfig({ DARKROOM_PORT: '70000' })).toThrow(/DARKROOM_PORT must be an integer port/);
    expect(() => loadConfig({ DARKROOM_PORT: 'http' })).toThrow(/got "http"/);
  });
});
