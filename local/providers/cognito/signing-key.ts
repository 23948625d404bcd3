/**
 * The user pool's token signing key: an RSA key pair generated once per data folder and kept there,
 * so tokens survive a restart but no two stacks (and no published package) share a private key.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';

const algorithm = 'RS256';
const fileName = 'signing-key.json';

export interface SigningKey {
  /** The public half as the JWKS endpoint serves it (`kid`, `alg`, `use`). */
  publicJwk: JWK;
  /** Signs a token's claims (kept as given: iat, exp, iss, aud) under this key's `kid`. */
  sign(claims: JWTPayload): Promise<string>;
}

interface StoredKey {
  privateJwk: JWK;
  kid: string;
}

async function createKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(algorithm, { modulusLength: 2048, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  // A thumbprint is a stable, key-derived kid; the uuid only guards a (theoretical) clash.
  const kid = `${await calculateJwkThumbprint(privateJwk)}-${randomUUID().slice(0, 8)}`;
  return { privateJwk, kid };
}

async function readKey(file: string): Promise<StoredKey | undefined> {
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<StoredKey>;
    if (!stored.privateJwk?.d || typeof stored.kid !== 'string') {
      throw new Error(`${file} holds no RSA private key; delete it to generate a new one`);
    }
    return stored as StoredKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Loads the data folder's key, generating and storing it (owner-only permissions) on first use. */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  const file = path.join(dataDir, fileName);
  let stored = await readKey(file);
  if (!stored) {
    stored = await createKey();
    // `wx`: two stacks racing on one folder must not overwrite each other's key.
    await writeFile(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' }).catch(async (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      stored = await readKey(file);
    });
  }
  const { privateJwk, kid } = stored as StoredKey;
  const { n, e, kty } = privateJwk;
  const privateKey = await importJWK({ ...privateJwk, alg: algorithm }, algorithm);
  return {
    publicJwk: { kty, n, e, kid, alg: algorithm, use: 'sig' },
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: algorithm, kid }).sign(privateKey),
  };
}

/** Signs again, with `key`, a token some other key signed (its claims unchanged). */
export function resign(key: SigningKey, token: string): Promise<string> {
  return key.sign(decodeJwt(token));
}
