// Image.metadata: EXIF facts for every reader, the GPS location for the owner only.
import { describe, expect, it } from 'vitest';
import { cognito, pipelineIam, runField } from './test-support/harness.ts';

const metadata = {
  takenAt: '2026-06-01T10:30:00.000Z',
  cameraMake: 'Apple',
  cameraModel: 'iPhone 15',
  lensModel: null,
  exposureTime: 0.004,
  fNumber: 1.8,
  iso: 64,
  focalLength: 6.1,
  gps: { latitude: 48.8584, longitude: 2.2945 },
};
const source = { owner: 'alice', id: 'i', status: 'COMPLETED', metadata };

describe('Image.metadata', () => {
  it('gives the owner the location', async () => {
    const { outcome } = await runField('Image', 'metadata', { source, identity: cognito('alice') });
    expect(outcome).toMatchObject({ kind: 'value', value: metadata });
  });

  it.each([
    ['another user (a moderator)', cognito('mallory')],
    ['the pipeline’s IAM publish, whose selection subscribers receive', pipelineIam],
  ])('hides the location from %s but keeps the rest', async (_who, identity) => {
    const { outcome } = await runField('Image', 'metadata', { source, identity });
    expect(outcome).toMatchObject({ kind: 'value', value: { ...metadata, gps: null } });
  });

  it('is null for an image stored before metadata was read', async () => {
    const { owner, id, status } = source;
    const { outcome } = await runField('Image', 'metadata', {
      source: { owner, id, status },
      identity: cognito('alice'),
    });
    expect(outcome).toMatchObject({ kind: 'value', value: null });
  });
});
