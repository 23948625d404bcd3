/**
 * Keeps Amplify's Cognito tokens in a file, one namespace per API endpoint, so `darkroom sign-in`
 * lasts across invocations (Amplify's Node default is memory only). Mode 0600: tokens are secrets.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { KeyValueStorage } from '../auth.ts';

export function defaultTokenFile(): string {
  const base = process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
  return path.join(base, 'darkroom', 'tokens.json');
}

export function fileTokenStore(file: string, endpoint: string): KeyValueStorage {
  const readAll = (): Record<string, Record<string, string>> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
    } catch {
      return {};
    }
  };
  const update = (change: (items: Record<string, string>) => void) => {
    const all = readAll();
    const items = all[endpoint] ?? {};
    change(items);
    all[endpoint] = items;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(all, null, 2), { mode: 0o600 });
  };
  return {
    async setItem(key, value) {
      update((items) => {
        items[key] = value;
      });
    },
    async getItem(key) {
      return readAll()[endpoint]?.[key] ?? null;
    },
    async removeItem(key) {
      update((items) => {
        delete items[key];
      });
    },
    async clear() {
      update((items) => {
        for (const key of Object.keys(items)) delete items[key];
      });
    },
  };
}
