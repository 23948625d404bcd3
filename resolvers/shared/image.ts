// What the DynamoDB item holds beyond the GraphQL Image; its model is contracts/image-item.ts.
import type { StatusAttributes } from '../../contracts/image-item.ts';
import type { Image } from '../../generated/schema.ts';

export type ImageItem = Image &
  Omit<StatusAttributes, 'status'> & {
    /** RequestUploadInput.keepLocation: whether save-result may store the photo's GPS location. */
    keepLocation?: boolean;
  };
