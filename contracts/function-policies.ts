/**
 * Each function's IAM permissions, defined once and free of any library: infra/grants.ts builds the
 * CDK role statements from them and the local stack authorises every call a function makes against
 * them (local/iam/). Least privilege: exact actions (no wildcards) on key prefixes, the table, one
 * index, the topic and one API field.
 *
 * Adding a permission is one line in the function's list, e.g.
 * `objects(uploadsPattern, 's3:GetObjectVersion')`, or
 * `{ actions: ['sqs:ChangeMessageVisibility'], resources: [{ kind: 'queue' }] }`.
 */
import type { FunctionId } from './function-specs.ts';
import { names } from './names.ts';

/** A resource named by what it is; each side turns it into an ARN its own way (CDK tokens, local ARNs). */
export type PolicyResource =
  | { kind: 'objects'; pattern: string }
  | { kind: 'bucket' }
  | { kind: 'table' }
  | { kind: 'index'; name: string }
  | { kind: 'topic' }
  | { kind: 'graphqlField'; typeName: string; fieldName: string }
  /** The upload queue and the pipeline's state machine (the flow's consumer). */
  | { kind: 'queue' }
  | { kind: 'stateMachine' }
  /** For actions that have no resource type (Rekognition Detect*): IAM accepts only "*". */
  | { kind: 'any' };

/** IAM condition operators used here, keyed by condition key (`s3:prefix`). */
export type PolicyConditions = Partial<
  Record<'StringLike' | 'StringEquals', Record<string, readonly string[]>>
>;

export interface PolicyStatementSpec {
  actions: readonly string[];
  resources: readonly PolicyResource[];
  conditions?: PolicyConditions;
}

export const uploadsPattern = 'uploads/*';
export const thumbnailsPattern = 'thumbnails/*';
export const quarantinePattern = 'quarantine/*';
export const publishField = 'publishImageProcessed';
/** The milestone publish (issue 19): each step that reaches a milestone calls it. */
export const progressField = 'publishImageProgress';

/** Object actions on the keys matching one pattern (`uploads/*`). */
export function objects(pattern: string, ...actions: string[]): PolicyStatementSpec {
  return { actions, resources: [{ kind: 'objects', pattern }] };
}

/** A bucket-level listing action, limited to keys under the given prefixes by `s3:prefix`. */
export function listing(action: 's3:ListBucket' | 's3:ListBucketVersions', ...patterns: string[]) {
  return {
    actions: [action],
    resources: [{ kind: 'bucket' }],
    conditions: { StringLike: { 's3:prefix': patterns } },
  } satisfies PolicyStatementSpec;
}

/** Item operations on the base table only (no index). */
export function items(...operations: string[]): PolicyStatementSpec {
  return { actions: operations.map((operation) => `dynamodb:${operation}`), resources: [{ kind: 'table' }] };
}

/** Calling one Mutation field of the API with IAM. */
export function mutation(fieldName: string): PolicyStatementSpec {
  return {
    actions: ['appsync:GraphQL'],
    resources: [{ kind: 'graphqlField', typeName: 'Mutation', fieldName }],
  };
}

/** A step's milestone: one conditional UpdateItem (stage, sequence) and the progress publish. */
function milestone(): PolicyStatementSpec[] {
  return [items('UpdateItem'), mutation(progressField)];
}

export const publishToTopic: PolicyStatementSpec = {
  actions: ['sns:Publish'],
  resources: [{ kind: 'topic' }],
};

/**
 * Deleting every version of an image's objects (functions/shared/purge-objects.ts): listing versions
 * under the prefixes and DeleteObjects with a VersionId, which S3 authorises as DeleteObjectVersion.
 */
function purgeVersions(...patterns: string[]): PolicyStatementSpec[] {
  return [
    listing('s3:ListBucketVersions', ...patterns),
    ...patterns.map((pattern) => objects(pattern, 's3:DeleteObjectVersion')),
  ];
}

export const functionPolicies: Record<FunctionId, readonly PolicyStatementSpec[]> = {
  // Presigned POSTs and GETs are signed with the function's own credentials: S3 checks its policy.
  createUpload: [objects(uploadsPattern, 's3:PutObject')],
  // Image.originalUrl (moderators only) signs a GET of the quarantined original.
  signUrls: [objects(thumbnailsPattern, 's3:GetObject'), objects(quarantinePattern, 's3:GetObject')],
  deleteImage: [
    // UpdateItem gives the stored bytes back (usage); BatchWriteItem removes the label index items.
    items('GetItem', 'DeleteItem', 'UpdateItem', 'BatchWriteItem'),
    ...purgeVersions(uploadsPattern, quarantinePattern, thumbnailsPattern),
  ],
  // Query on byOwnerContent finds an earlier image with the same bytes; GetItem confirms it is settled.
  inspect: [
    objects(uploadsPattern, 's3:GetObject', 's3:GetObjectVersion'),
    { actions: ['dynamodb:Query'], resources: [{ kind: 'index', name: names.indexes.byOwnerContent }] },
    items('GetItem'),
    ...milestone(),
  ],
  // A duplicate's renditions are copied (CopyObject reads the source with GetObject) from the image it
  // duplicates. After writing it checks the item's lease (its milestone write is conditional on it; it
  // reads the item when that write fails otherwise), and deletes exactly the versions it wrote once the
  // lease is lost (a late call under a FAILED image).
  thumbnails: [
    objects(uploadsPattern, 's3:GetObject', 's3:GetObjectVersion'),
    objects(thumbnailsPattern, 's3:GetObject', 's3:PutObject', 's3:DeleteObjectVersion'),
    items('GetItem'),
    ...milestone(),
  ],
  analyse: [
    // Rekognition reads the S3 object with the caller's permissions.
    objects(uploadsPattern, 's3:GetObject', 's3:GetObjectVersion'),
    // A duplicate reuses the analysis stored on the image it duplicates.
    items('GetItem'),
    {
      actions: ['rekognition:DetectLabels', 'rekognition:DetectFaces', 'rekognition:DetectModerationLabels'],
      resources: [{ kind: 'any' }],
    },
    ...milestone(),
  ],
  // Blurs the renditions, copies the pinned original version into quarantine and, once a conditional
  // UpdateItem found the lease still its execution's, purges the rest; a stale step deletes exactly
  // the versions it added instead (its quarantine copy by VersionId).
  flag: [
    objects(uploadsPattern, 's3:GetObject', 's3:GetObjectVersion'),
    objects(thumbnailsPattern, 's3:PutObject'),
    // A retry after the move reads the quarantined copy.
    objects(quarantinePattern, 's3:GetObject', 's3:PutObject', 's3:DeleteObjectVersion'),
    items('UpdateItem'),
    ...purgeVersions(uploadsPattern, thumbnailsPattern),
  ],
  // When the image was deleted meanwhile it removes what the pipeline wrote, every version.
  // PutItem: the label index items, written in the result's transaction.
  saveResult: [
    items('GetItem', 'UpdateItem', 'PutItem'),
    ...purgeVersions(uploadsPattern, quarantinePattern, thumbnailsPattern),
  ],
  // A conditional UpdateItem alone: no read first, so no GetItem.
  markFailed: [items('UpdateItem'), ...purgeVersions(uploadsPattern, thumbnailsPattern)],
  // Records the announcement on the item and notifies the topic.
  publish: [mutation(publishField), items('UpdateItem'), publishToTopic],
  // The sweeper reads the sparse byStatus index, fails stuck items (purging their thumbnails),
  // publishes and notifies.
  sweeper: [
    { actions: ['dynamodb:Query'], resources: [{ kind: 'index', name: names.indexes.byStatus }] },
    items('UpdateItem'),
    ...purgeVersions(thumbnailsPattern),
    publishToTopic,
    mutation(publishField),
  ],
  // A moderator's decision: one conditional write (a transaction with the usage on REJECT), the
  // approval's message to the upload queue, a rejected image's objects and label index deleted,
  // and the rejection announced like any terminal state.
  reviewImage: [
    items('GetItem', 'UpdateItem', 'BatchWriteItem'),
    { actions: ['sqs:SendMessage'], resources: [{ kind: 'queue' }] },
    ...purgeVersions(uploadsPattern, quarantinePattern, thumbnailsPattern),
    publishToTopic,
    mutation(publishField),
  ],
  // The approval run: reads the quarantined original, writes unblurred renditions, copies the
  // original back under uploads/ (a CopyObject: S3 authorises the source read as GetObject /
  // GetObjectVersion and the write as PutObject), saves COMPLETED and purges the rest.
  approve: [
    objects(quarantinePattern, 's3:GetObject', 's3:GetObjectVersion'),
    objects(uploadsPattern, 's3:PutObject'),
    objects(thumbnailsPattern, 's3:PutObject'),
    items('GetItem', 'UpdateItem'),
    ...purgeVersions(uploadsPattern, quarantinePattern, thumbnailsPattern),
  ],
  // The queue consumer: runs this state machine only, sets its own message's backoff, and at the
  // retry limit marks the image FAILED, purges its thumbnails and announces it. (The event source
  // mapping's receive and delete rights are the platform's, granted with the mapping.)
  dispatch: [
    { actions: ['states:StartSyncExecution'], resources: [{ kind: 'stateMachine' }] },
    { actions: ['sqs:ChangeMessageVisibility'], resources: [{ kind: 'queue' }] },
    items('UpdateItem'),
    ...purgeVersions(thumbnailsPattern),
    publishToTopic,
    mutation(publishField),
  ],
};

/** The ARNs the resource kinds resolve to: CloudFormation tokens in infra/, real strings locally. */
export interface PolicyArns {
  bucketArn: string;
  tableArn: string;
  topicArn: string;
  graphqlApiArn: string;
  queueArn: string;
  stateMachineArn: string;
}

/** One resource's ARNs, by the same rules IAM and the CDK grant helpers use. */
export function resourceArns(resource: PolicyResource, arns: PolicyArns): string[] {
  switch (resource.kind) {
    case 'objects':
      return [`${arns.bucketArn}/${resource.pattern}`];
    case 'bucket':
      return [arns.bucketArn];
    case 'table':
      return [arns.tableArn];
    case 'index':
      return [`${arns.tableArn}/index/${resource.name}`];
    case 'topic':
      return [arns.topicArn];
    case 'graphqlField':
      return [`${arns.graphqlApiArn}/types/${resource.typeName}/fields/${resource.fieldName}`];
    case 'queue':
      return [arns.queueArn];
    case 'stateMachine':
      return [arns.stateMachineArn];
    case 'any':
      return ['*'];
  }
}
