import { describe, expect, it } from 'vitest';
import type { UploadReport } from '../client.ts';
import type { Image } from '../image-events.ts';
import { humanBytes, uploadBar, uploadTable, usageLines } from './format.ts';

const completed = {
  id: '01JDARKROOM0000000000000001',
  status: 'COMPLETED',
  analysis: {
    labels: [
      { name: 'Cup', confidence: 91, parents: [] },
      { name: 'Person', confidence: 80, parents: [] },
    ],
    faceCount: 0,
    faces: [],
    moderationLabels: [],
    isSafe: true,
  },
} as unknown as Image;

describe('uploadTable', () => {
  it('lists id, status, labels, faces and safety per file, failures with their reason', () => {
    const text = uploadTable([
      { file: 'coffee.jpg', image: completed },
      { file: 'notes.jpg', error: 'processing failed (UnsupportedImage): not an image' },
    ]);

    const [header, first, second] = text.split('\n');
    expect(header).toMatch(/^ID\s+FILE\s+STATUS\s+LABELS\s+FACES\s+SAFE$/);
    expect(first).toMatch(/01JDARKROOM0000000000000001\s+coffee\.jpg\s+COMPLETED\s+Cup, Person\s+0\s+yes/);
    expect(second).toMatch(/-\s+notes\.jpg\s+FAILED\s+processing failed \(UnsupportedImage\)/);
  });
});

describe('usageLines', () => {
  it('shows uploads today and stored bytes against the quotas', () => {
    expect(
      usageLines({ imagesToday: 3, imagesPerDay: 200, bytesStored: 1536, bytesLimit: 5 * 1024 ** 3 }),
    ).toBe('uploads today  3 of 200\nstored         1.5 KB of 5.0 GB');
  });

  it('keeps small counts in bytes', () => {
    expect(humanBytes(0)).toBe('0 B');
    expect(humanBytes(1023)).toBe('1023 B');
  });
});

describe('uploadBar', () => {
  const processing = (stage: UploadReport['stage']) =>
    ({ phase: 'processing', loaded: 10, total: 10, imageId: 'i', stage }) as UploadReport;

  it('fills with the bytes, then one step per milestone, whichever parallel one comes first', () => {
    const bar = uploadBar();

    expect(bar({ phase: 'uploading', loaded: 5, total: 10 })).toEqual({ value: 20, phase: 'uploading' });
    expect(bar(processing(null))).toEqual({ value: 40, phase: 'processing' });
    expect(bar(processing('UPLOADED'))).toEqual({ value: 55, phase: 'uploaded' });
    expect(bar(processing('INSPECTED'))).toEqual({ value: 70, phase: 'inspected' });
    expect(bar(processing('ANALYSED'))).toEqual({ value: 85, phase: 'analysed' });
    expect(bar(processing('THUMBNAILS_READY'))).toEqual({ value: 100, phase: 'thumbnails ready' });
  });
});
