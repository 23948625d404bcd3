/**
 * The local vision engine on real photographs (../shared/fixtures/photos), through Rekognition's
 * protocol. The only test file that loads the models: everything else runs with vision off.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photosDir } from '../../tests/fixtures.ts';
import { VisionEngine } from './engine.ts';
import { handleRekognition } from './rekognition-api.ts';

const photos = photosDir;
const photo = (name: string) => readFile(path.join(photos, name));

let engine: VisionEngine;
const noS3 = async () => undefined;
const call = (operation: string, image: Buffer, extra: Record<string, unknown> = {}) =>
  handleRekognition(
    operation,
    { Image: { Bytes: image.toString('base64') }, ...extra },
    {
      analyse: (bytes) => engine.analyse(bytes),
      readS3Object: noS3,
    },
  ) as Promise<Record<string, { Name?: string; BoundingBox?: Record<string, number> }[]>>;

beforeAll(async () => {
  engine = new VisionEngine({ workers: 1 });
  await engine.ready;
}, 120_000);

afterAll(async () => {
  await engine?.stop();
});

describe('local vision', () => {
  it('finds the astronaut’s face with a box around her head', async () => {
    const { FaceDetails } = await call('DetectFaces', await photo('astronaut.png'));

    expect(FaceDetails).toHaveLength(1);
    const box = FaceDetails?.[0]?.BoundingBox ?? {};
    // The face sits in the upper-left-centre of the 512×512 portrait.
    expect(box.Left).toBeGreaterThan(0.15);
    expect((box.Left ?? 0) + (box.Width ?? 0)).toBeLessThan(0.75);
    expect(box.Top).toBeLessThan(0.35);
    expect(box.Width).toBeGreaterThan(0.12);
    expect(box.Width).toBeLessThan(0.5);
  });

  it('counts the faces in a group photo composed from the fixtures', async () => {
    const tile = await sharp(await photo('astronaut.png'))
      .resize(400, 400)
      .png()
      .toBuffer();
    const coffee = await sharp(await photo('coffee.png'))
      .resize(400, 400, { fit: 'cover' })
      .png()
      .toBuffer();
    const grid = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#ffffff' } })
      .composite([
        { input: tile, left: 0, top: 0 },
        { input: coffee, left: 400, top: 0 },
        { input: coffee, left: 0, top: 400 },
        { input: tile, left: 400, top: 400 },
      ])
      .jpeg()
      .toBuffer();

    const { FaceDetails } = await call('DetectFaces', grid);

    expect(FaceDetails).toHaveLength(2);
  });

  it('labels a Person on the astronaut and a Cup on the coffee, at darkroom’s MinConfidence', async () => {
    const astronaut = await call('DetectLabels', await photo('astronaut.png'), {
      MaxLabels: 10,
      MinConfidence: 70,
    });
    const coffee = await call('DetectLabels', await photo('coffee.png'), {
      MaxLabels: 10,
      MinConfidence: 70,
    });

    expect(astronaut.Labels?.map((l) => l.Name)).toContain('Person');
    expect(coffee.Labels?.map((l) => l.Name)).toContain('Cup');
  });

  it('finds nothing in a plain-colour image, and calls a normal photo safe', async () => {
    const plain = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3366aa' } })
      .png()
      .toBuffer();

    const labels = await call('DetectLabels', plain, { MinConfidence: 55 });
    const faces = await call('DetectFaces', plain);
    const moderation = await call('DetectModerationLabels', await photo('coffee.png'), { MinConfidence: 60 });

    expect(labels.Labels).toEqual([]);
    expect(faces.FaceDetails).toEqual([]);
    expect(moderation.ModerationLabels).toEqual([]);
  });

  it('answers Rekognition’s error names for a text file and for oversized images', async () => {
    const text = Buffer.from('this is not a photo, only text named photo.jpg\n');
    const tooWide = await sharp({ create: { width: 10_001, height: 100, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const tooHeavy = Buffer.alloc(5 * 1024 * 1024 + 1, 0xff);

    await expect(call('DetectLabels', text)).rejects.toMatchObject({ name: 'InvalidImageFormatException' });
    await expect(call('DetectLabels', tooWide)).rejects.toMatchObject({ name: 'ImageTooLargeException' });
    await expect(call('DetectFaces', tooHeavy)).rejects.toMatchObject({ name: 'ImageTooLargeException' });
    await expect(
      call('DetectLabels', await photo('coffee.png'), { MinConfidence: 101 }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('refuses work beyond its queue with ThrottlingException', async () => {
    const images = await Promise.all(
      Array.from({ length: 12 }, (_, shade) =>
        sharp({ create: { width: 96, height: 96, channels: 3, background: { r: shade, g: 90, b: 200 } } })
          .png()
          .toBuffer(),
      ),
    );

    const outcomes = await Promise.allSettled(images.map((image) => engine.analyse(image)));

    const refused = outcomes.filter((o) => o.status === 'rejected');
    // One worker, a queue of 8: of 12 images arriving at once, at least 3 are refused.
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused[0]).toMatchObject({ reason: { name: 'ThrottlingException' } });
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(8);
  });
});
