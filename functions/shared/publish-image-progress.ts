/**
 * The pipeline's `publishImageProgress(owner, id)` call, the client SDK's document. Its own module
 * so that a caller needing only the query (bench:realtime) does not load milestones.ts'
 * Powertools, whose X-Ray SDK hooks every promise of the process that imports it.
 */
import { print } from 'graphql';
import { PublishImageProgressDocument } from '../../client-sdk/generated/operations.ts';

/** Printed once per cold start; selects the whole Image, as subscribers receive what it selects. */
export const publishImageProgressQuery = print(PublishImageProgressDocument);
