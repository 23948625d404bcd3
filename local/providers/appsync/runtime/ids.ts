// Identifier generators behind util.autoId / autoUlid / autoKsuid.
import { randomBytes, randomUUID } from 'node:crypto';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** KSUID epoch: 2014-05-13T16:53:20Z. */
const ksuidEpochSeconds = 1_400_000_000;

export function autoId(): string {
  return randomUUID();
}

/** 26-character ULID: 48-bit millisecond time + 80 random bits, Crockford base32. Sorts by time. */
export function autoUlid(nowMs: number = Date.now()): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i += 1) {
    time = crockford.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i += 1) random += crockford.charAt((bytes[i] ?? 0) % 32);
  return time + random;
}

/** 27-character KSUID: 4 bytes of seconds since the KSUID epoch + 16 random bytes, base62. */
export function autoKsuid(nowMs: number = Date.now()): string {
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32BE(Math.floor(nowMs / 1000) - ksuidEpochSeconds, 0);
  randomBytes(16).copy(bytes, 4);
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = base62.charAt(Number(n % 62n)) + out;
    n /= 62n;
  }
  return out.padStart(27, '0');
}
