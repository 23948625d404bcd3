import { describe, expect, it } from 'vitest';
import { DarkroomError, QuotaExceededError, toDarkroomError } from './errors.ts';
import { sendAgainOnConflict } from './send-again.ts';

const conflict = () =>
  toDarkroomError({
    errors: [{ errorType: 'TransactionConflict', message: 'requestUpload: … send it again' }],
  });

describe('sendAgainOnConflict', () => {
  it('sends requestUpload again after a TransactionConflict and returns the ticket', async () => {
    const pauses: number[] = [];
    let sends = 0;
    const ticket = await sendAgainOnConflict(
      async () => {
        sends += 1;
        if (sends < 3) throw conflict();
        return 'ticket';
      },
      { sleep: async (ms) => void pauses.push(ms), baseDelayMs: 100 },
    );
    expect(ticket).toBe('ticket');
    expect(sends).toBe(3);
    expect(pauses).toHaveLength(2);
    expect(pauses[1]).toBeLessThan(200);
  });

  it('gives up after the last attempt with the conflict, and never repeats any other error', async () => {
    let sends = 0;
    const noPause = { sleep: async () => undefined, attempts: 3 };
    await expect(
      sendAgainOnConflict(async () => {
        sends += 1;
        throw conflict();
      }, noPause),
    ).rejects.toMatchObject({ errorType: 'TransactionConflict' });
    expect(sends).toBe(3);
    const quota = new QuotaExceededError('quota imagesPerDay exceeded', 'QuotaExceeded');
    sends = 0;
    await expect(
      sendAgainOnConflict(async () => {
        sends += 1;
        throw quota;
      }, noPause),
    ).rejects.toBe(quota);
    expect(sends).toBe(1);
    expect(conflict()).toBeInstanceOf(DarkroomError);
  });
});
