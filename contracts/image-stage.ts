/**
 * Milestones and the per-image sequence (issue 19), defined once. Each milestone is written to the
 * item (`stage`, plus one atomic ADD to `sequence`) by the step that reached it, then published
 * (`publishImageProgress`); the terminal writes (save-result, mark-failed, the sweeper) ADD to
 * `sequence` too, so every event of one image — terminal ones included — carries a larger number
 * than the one before, whichever parallel step finished first. APPSYNC_JS-safe like image-item.ts.
 */
import type { ImageStage } from '../generated/schema.ts';

export const imageStages = [
  'UPLOADED',
  'INSPECTED',
  'THUMBNAILS_READY',
  'ANALYSED',
] as const satisfies readonly ImageStage[];

/** The item attributes milestones write. */
export const progressAttributes = {
  stage: 'stage',
  /** Number; grows by `sequenceStep` with every event of the image. */
  sequence: 'sequence',
} as const;

/** What each event ADDs to `sequence` (an absent attribute counts as 0, so the first event is 1). */
export const sequenceStep = 1;

/** The UpdateExpression clause every event's write carries (names `#sequence`, value `:sequenceStep`). */
export const sequenceAddClause = 'ADD #sequence :sequenceStep';

/**
 * The publish budget of one milestone: progress is best-effort, so one short attempt — a slow or
 * failing AppSync costs a step at most this, and never fails the image.
 */
export const milestonePublishTimeoutMs = 3000;
