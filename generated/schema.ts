export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  AWSDate: { input: string; output: string; }
  AWSDateTime: { input: string; output: string; }
  AWSEmail: { input: string; output: string; }
  AWSIPAddress: { input: string; output: string; }
  AWSJSON: { input: string; output: string; }
  AWSPhone: { input: string; output: string; }
  AWSTime: { input: string; output: string; }
  AWSTimestamp: { input: number; output: number; }
  AWSURL: { input: string; output: string; }
};

export type Analysis = {
  __typename?: 'Analysis';
  faceCount: Scalars['Int']['output'];
  faces: Array<Face>;
  isSafe: Scalars['Boolean']['output'];
  labels: Array<Label>;
  moderationLabels: Array<ModerationLabel>;
};

export type BoundingBox = {
  __typename?: 'BoundingBox';
  height: Scalars['Float']['output'];
  /** Ratios of the image's width and height (0..1), after EXIF orientation. */
  left: Scalars['Float']['output'];
  top: Scalars['Float']['output'];
  width: Scalars['Float']['output'];
};

export type Face = {
  __typename?: 'Face';
  boundingBox: BoundingBox;
  confidence: Scalars['Float']['output'];
};

/** Where the photo was taken, in decimal degrees (WGS 84). */
export type GpsLocation = {
  __typename?: 'GpsLocation';
  latitude: Scalars['Float']['output'];
  longitude: Scalars['Float']['output'];
};

export type Image = {
  __typename?: 'Image';
  analysis: Maybe<Analysis>;
  contentType: Scalars['String']['output'];
  createdAt: Scalars['AWSDateTime']['output'];
  /** The caller's earlier image with the same bytes, whose renditions and analysis this one reuses. */
  duplicateOf: Maybe<Scalars['ID']['output']>;
  error: Maybe<ImageError>;
  fileName: Scalars['String']['output'];
  format: Maybe<Scalars['String']['output']>;
  height: Maybe<Scalars['Int']['output']>;
  id: Scalars['ID']['output'];
  /** Null until processed, and for images processed before metadata was read. */
  metadata: Maybe<PhotoMetadata>;
  /** Moderators only: a short-lived GET of the quarantined original while the image is FLAGGED, else null. */
  originalUrl: Maybe<Scalars['AWSURL']['output']>;
  owner: Scalars['ID']['output'];
  /** Null until processed, and for images processed before placeholders existed. */
  placeholder: Maybe<Placeholder>;
  processedAt: Maybe<Scalars['AWSDateTime']['output']>;
  /** A moderator's decision; null until one is made. */
  review: Maybe<Review>;
  /** Grows with every event of this image, terminal ones included: the only order of its events. Null for images stored before sequences existed. */
  sequence: Maybe<Scalars['Int']['output']>;
  size: Scalars['Int']['output'];
  /** The last milestone reached; null before processing, and for images processed before milestones existed. */
  stage: Maybe<ImageStage>;
  status: ImageStatus;
  thumbnails: Array<Thumbnail>;
  updatedAt: Scalars['AWSDateTime']['output'];
  width: Maybe<Scalars['Int']['output']>;
};

export type ImageConnection = {
  __typename?: 'ImageConnection';
  items: Array<Image>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type ImageError = {
  __typename?: 'ImageError';
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

/** What searchImages matches; every given field must hold (issue 18). */
export type ImageSearchInput = {
  /** Uploaded at or after. */
  from?: InputMaybe<Scalars['AWSDateTime']['input']>;
  /** Analysed images with (true) or without (false) faces; an image not analysed (pending, processing, failed) matches neither. */
  hasFaces?: InputMaybe<Scalars['Boolean']['input']>;
  /** A label name or one of its parents, any case: "animal" finds the cat. */
  label?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<ImageStatus>;
  /** Uploaded at or before. */
  to?: InputMaybe<Scalars['AWSDateTime']['input']>;
};

/**
 * Milestones of processing, in the order the pipeline usually reaches them (the lifecycle stays in
 * `status`). THUMBNAILS_READY and ANALYSED come from parallel steps, so either may come first:
 * `Image.sequence` is the only order.
 */
export type ImageStage =
  /** Labels, faces and moderation labels are known. */
  | 'ANALYSED'
  /** The original was read: width, height and format are known. */
  | 'INSPECTED'
  /** The renditions exist; their URLs come only with the moderation verdict. */
  | 'THUMBNAILS_READY'
  /** The original arrived and the pipeline claimed it. */
  | 'UPLOADED';

export type ImageStatus =
  | 'COMPLETED'
  | 'FAILED'
  | 'FLAGGED'
  | 'PENDING_UPLOAD'
  | 'PROCESSING'
  /** A moderator rejected the FLAGGED image: its original and every rendition are deleted. */
  | 'REJECTED';

export type Label = {
  __typename?: 'Label';
  /** Percent, 0..100. */
  confidence: Scalars['Float']['output'];
  name: Scalars['String']['output'];
  parents: Array<Scalars['String']['output']>;
};

export type ModerationLabel = {
  __typename?: 'ModerationLabel';
  confidence: Scalars['Float']['output'];
  name: Scalars['String']['output'];
  parentName: Maybe<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  deleteImage: Image;
  /** Called by the pipeline only; returns the stored image so subscribers receive it. */
  publishImageProcessed: Maybe<Image>;
  /** Called by the pipeline only, at each milestone; returns the stored image so subscribers receive it. */
  publishImageProgress: Maybe<Image>;
  requestUpload: UploadTicket;
  /** Moderators only: decides a FLAGGED image once; the owner hears the outcome through onImageProcessed. */
  reviewImage: Image;
};


export type MutationDeleteImageArgs = {
  id: Scalars['ID']['input'];
};


export type MutationPublishImageProcessedArgs = {
  id: Scalars['ID']['input'];
  owner: Scalars['ID']['input'];
};


export type MutationPublishImageProgressArgs = {
  id: Scalars['ID']['input'];
  owner: Scalars['ID']['input'];
};


export type MutationRequestUploadArgs = {
  input: RequestUploadInput;
};


export type MutationReviewImageArgs = {
  decision: ReviewDecision;
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  owner: Scalars['ID']['input'];
};

/** From the original's EXIF; a field is null when the camera did not record it. */
export type PhotoMetadata = {
  __typename?: 'PhotoMetadata';
  cameraMake: Maybe<Scalars['String']['output']>;
  cameraModel: Maybe<Scalars['String']['output']>;
  /** Seconds. */
  exposureTime: Maybe<Scalars['Float']['output']>;
  fNumber: Maybe<Scalars['Float']['output']>;
  /** Millimetres. */
  focalLength: Maybe<Scalars['Float']['output']>;
  /** Only when the upload asked to keep it (RequestUploadInput.keepLocation), and only for the owner. */
  gps: Maybe<GpsLocation>;
  iso: Maybe<Scalars['Int']['output']>;
  lensModel: Maybe<Scalars['String']['output']>;
  /** When the photo was taken: the camera's clock, read as UTC when the camera wrote no offset. */
  takenAt: Maybe<Scalars['AWSDateTime']['output']>;
};

/** What a client paints until the thumbnail loads; from the rendition (blurred when FLAGGED). */
export type Placeholder = {
  __typename?: 'Placeholder';
  /** The image's dominant colour, #rrggbb (sRGB). */
  dominantColor: Scalars['String']['output'];
  /** A ThumbHash of the image, standard base64. */
  hash: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** The caller's own image, or null when there is none. */
  getImage: Maybe<Image>;
  /** Moderators only: every owner's FLAGGED images awaiting a decision, oldest first. */
  listFlaggedImages: ImageConnection;
  /** The caller's images, newest first. */
  listImages: ImageConnection;
  /** The caller's quotas and usage. */
  myUsage: Usage;
  /** The caller's images matching the filter, newest first. A page may be short and still have a nextToken. */
  searchImages: ImageConnection;
};


export type QueryGetImageArgs = {
  id: Scalars['ID']['input'];
};


export type QueryListFlaggedImagesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryListImagesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<ImageStatus>;
};


export type QuerySearchImagesArgs = {
  filter: ImageSearchInput;
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};

export type RequestUploadInput = {
  contentType: Scalars['String']['input'];
  fileName: Scalars['String']['input'];
  /** Keep the photo's GPS location in its metadata (default false: dropped when inspected). */
  keepLocation?: InputMaybe<Scalars['Boolean']['input']>;
  /** Bytes, 1..25 MB. */
  size: Scalars['Int']['input'];
};

/** Who decided a FLAGGED image, and how (or whose decision a duplicate inherits). */
export type Review = {
  __typename?: 'Review';
  decision: ReviewDecision;
  /**
   * Null when a moderator decided on this image itself. Otherwise this image is a duplicate (same
   * owner, same bytes) that inherited the APPROVE of an earlier image: that image's id.
   */
  inheritedFrom: Maybe<Scalars['ID']['output']>;
  note: Maybe<Scalars['String']['output']>;
  reviewedAt: Scalars['AWSDateTime']['output'];
  /** The moderator's Cognito sub. */
  reviewer: Scalars['ID']['output'];
};

/** A moderator's verdict on a FLAGGED image (issue 20). */
export type ReviewDecision =
  /** The flag was wrong: unblurred renditions are made again and the image becomes COMPLETED. */
  | 'APPROVE'
  /** The flag was right: the original and every rendition are deleted; the image becomes REJECTED. */
  | 'REJECT';

export type Subscription = {
  __typename?: 'Subscription';
  /** The caller's images as the pipeline finishes them; `id` narrows to one image. */
  onImageProcessed: Maybe<Image>;
  /** The caller's images at every milestone and at the end, ordered by `sequence`; `id` narrows to one image. */
  onImageProgress: Maybe<Image>;
};


export type SubscriptionOnImageProcessedArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionOnImageProgressArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
};

export type Thumbnail = {
  __typename?: 'Thumbnail';
  contentType: Scalars['String']['output'];
  format: ThumbnailFormat;
  height: Scalars['Int']['output'];
  key: Scalars['String']['output'];
  size: ThumbnailSize;
  /** Presigned GET, valid 15 minutes; null unless the image is COMPLETED or FLAGGED. */
  url: Maybe<Scalars['AWSURL']['output']>;
  width: Scalars['Int']['output'];
};

export type ThumbnailFormat =
  | 'JPEG'
  | 'WEBP';

export type ThumbnailSize =
  | 'LARGE'
  | 'MEDIUM'
  | 'SMALL';

export type UploadTicket = {
  __typename?: 'UploadTicket';
  expiresAt: Scalars['AWSDateTime']['output'];
  /** Form fields to send before the file, in order. */
  fields: Scalars['AWSJSON']['output'];
  image: Image;
  /** The presigned POST's form action. */
  url: Scalars['AWSURL']['output'];
};

/** The caller's quotas and what counts against them (issue 18). Bytes are Float: Int is 32-bit. */
export type Usage = {
  __typename?: 'Usage';
  bytesLimit: Scalars['Float']['output'];
  /** Bytes of the caller's stored originals. */
  bytesStored: Scalars['Float']['output'];
  imagesPerDay: Scalars['Int']['output'];
  /** Upload tickets issued today (UTC). */
  imagesToday: Scalars['Int']['output'];
};
