/**
 * The photo's EXIF facts (Image.metadata), read with exifr from the original's bytes already in
 * memory. A file without EXIF, or with EXIF exifr cannot parse, has no metadata: that is never a
 * reason to refuse the image. The GPS location is returned when present; whether it is stored is
 * the owner's choice (RequestUploadInput.keepLocation), which save-result applies.
 */
import exifr from 'exifr';
import type { StoredPhotoMetadata } from '../shared/image-item.ts';

const picked = [
  'DateTimeOriginal',
  'CreateDate',
  'Make',
  'Model',
  'LensModel',
  'ExposureTime',
  'FNumber',
  'ISOSpeedRatings',
  'ISO',
  'FocalLength',
  'GPSLatitude',
  'GPSLatitudeRef',
  'GPSLongitude',
  'GPSLongitudeRef',
];

interface ExifFields {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  Make?: unknown;
  Model?: unknown;
  LensModel?: unknown;
  ExposureTime?: unknown;
  FNumber?: unknown;
  ISO?: unknown;
  ISOSpeedRatings?: unknown;
  FocalLength?: unknown;
  latitude?: unknown;
  longitude?: unknown;
}

export async function readMetadata(bytes: Buffer): Promise<StoredPhotoMetadata | null> {
  let exif: ExifFields | undefined;
  try {
    exif = (await exifr.parse(bytes, { pick: picked, gps: true })) as ExifFields | undefined;
  } catch {
    return null;
  }
  if (!exif) return null;
  const latitude = finite(exif.latitude);
  const longitude = finite(exif.longitude);
  const metadata: StoredPhotoMetadata = {
    takenAt: isoDate(exif.DateTimeOriginal ?? exif.CreateDate),
    cameraMake: text(exif.Make),
    cameraModel: text(exif.Model),
    lensModel: text(exif.LensModel),
    exposureTime: finite(exif.ExposureTime),
    fNumber: finite(exif.FNumber),
    iso: integer(exif.ISO ?? exif.ISOSpeedRatings),
    focalLength: finite(exif.FocalLength),
    gps: latitude !== null && longitude !== null ? { latitude, longitude } : null,
  };
  return Object.values(metadata).some((value) => value !== null) ? metadata : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function integer(value: unknown): number | null {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'number' && Number.isInteger(first) ? first : null;
}

/** AWSDateTime; exifr reads EXIF's zoneless time as the process's zone, which is UTC on Lambda. */
function isoDate(value: unknown): string | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : null;
}
