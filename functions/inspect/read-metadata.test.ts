import { describe, expect, it } from 'vitest';
import { jpeg, photo } from '../test-support/images.ts';
import { readMetadata } from './read-metadata.ts';

/** A JPEG as a camera writes it: EXIF with camera, lens, exposure and a GPS position. */
async function cameraJpeg(): Promise<Buffer> {
  return photo(640, 480)
    .withExif({
      IFD0: { Make: 'FUJIFILM', Model: 'X-T5' },
      IFD2: {
        DateTimeOriginal: '2026:06:01 10:30:15',
        LensModel: 'XF23mmF1.4 R LM WR',
        ExposureTime: '1/250',
        FNumber: '28/10',
        ISOSpeedRatings: '400',
        FocalLength: '23/1',
      },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 3024/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 17/1 4020/100',
      },
    })
    .jpeg()
    .toBuffer();
}

describe('readMetadata', () => {
  it('reads camera, lens, exposure, time and location from a camera JPEG', async () => {
    const metadata = await readMetadata(await cameraJpeg());

    expect(metadata).toMatchObject({
      cameraMake: 'FUJIFILM',
      cameraModel: 'X-T5',
      lensModel: 'XF23mmF1.4 R LM WR',
      exposureTime: 0.004,
      fNumber: 2.8,
      iso: 400,
      focalLength: 23,
    });
    expect(metadata?.takenAt).toMatch(/^2026-06-01T\d\d:30:15\.000Z$/);
    expect(metadata?.gps?.latitude).toBeCloseTo(48 + 51 / 60 + 30.24 / 3600, 5);
    expect(metadata?.gps?.longitude).toBeCloseTo(2 + 17 / 60 + 40.2 / 3600, 5);
  });

  it('gives null for a JPEG without EXIF', async () => {
    expect(await readMetadata(await jpeg(64, 48))).toBeNull();
  });

  it('gives null, not an error, for bytes that are no image', async () => {
    expect(await readMetadata(Buffer.from('not an image at all'))).toBeNull();
  });
});
