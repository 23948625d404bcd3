import { describe, expect, it } from 'vitest';
import {
  attributesDroppedIn,
  carriesStatusKey,
  imageStatuses,
  isExpiredPending,
  ownerStatusKey,
  statusAttributes,
} from './image-item.ts';
import { limits } from './names.ts';
import asl from './pipeline.asl.json' with { type: 'json' };

const now = 1_795_510_800;

describe('the Images item model', () => {
  it('keys GSI byOwnerStatus by owner and status', () => {
    expect(ownerStatusKey('alice', 'FLAGGED')).toBe('alice#FLAGGED');
  });

  it('puts only PROCESSING and FLAGGED items in the sparse byStatus index', () => {
    expect(imageStatuses.filter(carriesStatusKey)).toEqual(['PROCESSING', 'FLAGGED']);
    expect(statusAttributes('alice', 'PROCESSING', now)).toEqual({
      status: 'PROCESSING',
      ownerStatus: 'alice#PROCESSING',
      statusKey: 'PROCESSING',
    });
  });

  it('gives only PENDING_UPLOAD items a TTL, the pending-upload lifetime from now', () => {
    expect(statusAttributes('alice', 'PENDING_UPLOAD', now)).toEqual({
      status: 'PENDING_UPLOAD',
      ownerStatus: 'alice#PENDING_UPLOAD',
      expiresAtEpoch: now + limits.pendingUploadTtlSeconds,
    });
    for (const status of imageStatuses.filter((status) => status !== 'PENDING_UPLOAD')) {
      expect(statusAttributes('alice', status, now)).not.toHaveProperty('expiresAtEpoch');
    }
  });

  it('drops on each transition exactly the optional attributes the new status does not carry', () => {
    for (const status of imageStatuses) {
      const carried = Object.keys(statusAttributes('alice', status, now));
      const dropped = attributesDroppedIn(status);
      expect([...carried, ...dropped].sort(), status).toEqual(
        ['expiresAtEpoch', 'ownerStatus', 'status', 'statusKey'].sort(),
      );
    }
  });

  it('hides a PENDING_UPLOAD item once its TTL has passed, and nothing else', () => {
    expect(isExpiredPending({ status: 'PENDING_UPLOAD', expiresAtEpoch: now - 1 }, now)).toBe(true);
    expect(isExpiredPending({ status: 'PENDING_UPLOAD', expiresAtEpoch: now + 1 }, now)).toBe(false);
    expect(isExpiredPending({ status: 'COMPLETED', expiresAtEpoch: now - 1 }, now)).toBe(false);
  });

  it('is what the state machine writes when it marks an image PROCESSING', () => {
    // The ASL is JSON and cannot import the model: check its MarkProcessing write against it.
    const { Parameters } = asl.States.MarkProcessing;
    const owner = 'alice';
    const formatted = Parameters.ExpressionAttributeValues[':ownerStatus']['S.$'].replace(
      "States.Format('{}#PROCESSING', $.owner)",
      `${owner}#PROCESSING`,
    );
    expect(formatted).toBe(ownerStatusKey(owner, 'PROCESSING'));
    const [, set = '', remove = ''] = /^SET (.*) REMOVE (.*) ADD /.exec(Parameters.UpdateExpression) ?? [];
    const setNames = set.split(', ').map((part) => part.split(' = ')[0]?.replace('#', ''));
    expect(setNames).toEqual(expect.arrayContaining(Object.keys(statusAttributes(owner, 'PROCESSING', now))));
    // Plus what a re-claimed FAILED item (a DLQ redrive) must lose: its error and processedAt.
    expect(remove.split(', ')).toEqual([...attributesDroppedIn('PROCESSING'), '#error', 'processedAt']);
  });
});
