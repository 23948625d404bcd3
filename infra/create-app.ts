/** Builds the CDK app: the Darkroom stack, checked by cdk-nag's AWS Solutions rules. */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
// cdk-nag is CommonJS with re-exports Node cannot see statically: take the module object.
import cdkNag from 'cdk-nag';
import { names } from '../contracts/names.ts';
import type { ResolverEntry } from '../resolvers/catalog.ts';
import { suppressReviewedFindings } from './nag.ts';
import { DarkroomStack } from './stack.ts';

export interface CreateAppOptions extends AppProps {
  resolvers?: ResolverEntry[];
}

/**
 * Context: `corsOrigins` (comma-separated origins allowed to POST uploads, default `*`) and
 * `fieldLogLevel` (`ERROR` default, or `ALL` to log every resolver), `opsEmail` (who alarms e-mail),
 * `cdnPublicKey` (PEM public key of the CloudFront key pair; cdk.json holds a development key whose
 * private key is kept nowhere: deploy with your own, see README).
 */
export function createApp(options: CreateAppOptions = {}): { app: App; stack: DarkroomStack } {
  const { resolvers, ...appProps } = options;
  const app = new App(appProps);
  const corsOrigins = String(app.node.tryGetContext('corsOrigins') ?? '*')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const fieldLogLevel =
    app.node.tryGetContext('fieldLogLevel') === 'ALL'
      ? appsync.FieldLogLevel.ALL
      : appsync.FieldLogLevel.ERROR;
  const opsEmail = app.node.tryGetContext('opsEmail') as string | undefined;
  const cdnPublicKey = app.node.tryGetContext('cdnPublicKey') as string | undefined;
  if (!cdnPublicKey?.includes('BEGIN PUBLIC KEY')) {
    throw new Error(
      'context cdnPublicKey must be a PEM public key (-c cdnPublicKey="$(cat cdn-public.pem)")',
    );
  }
  const stack = new DarkroomStack(app, names.stack, {
    description: 'darkroom: serverless image processing on AppSync, Step Functions and Lambda',
    corsOrigins,
    fieldLogLevel,
    cdnPublicKey,
    ...(opsEmail ? { opsEmail } : {}),
    ...(resolvers ? { resolvers } : {}),
  });
  suppressReviewedFindings(stack);
  // A finding that is not acknowledged (see nag.ts) fails synth.
  Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
