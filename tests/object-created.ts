/** A fixed S3 "Object Created" event for tests, built by the same function the local S3 uses. */
import { type ObjectCreatedEvent, objectCreatedEvent } from '../contracts/object-created-event.ts';

export function objectCreated(bucket: string, key: string): ObjectCreatedEvent {
  return objectCreatedEvent(
    {
      bucket,
      key,
      size: 5,
      etag: 'b1946ac92492d2347c6235b4d2611184',
      // The image bucket is versioned, so its events always carry the version.
      versionId: '3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY',
      sequencer: '00617F08299329D189',
    },
    'POST Object',
    {
      account: '000000000000',
      region: 'us-east-1',
      requestId: 'N4N7GDK58NMKJ12R',
      time: new Date('2026-11-24T00:00:00Z'),
    },
  );
}
