/**
 * One NodejsFunction per entry of `functionSpecs`: bundled locally with esbuild (ESM, no Docker),
 * arm64 on nodejs24.x, X-Ray on, a log group with a retention, env from the spec's keys.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  type FunctionEnvKey,
  type FunctionId,
  functionSpecs,
  handlerEntry,
} from '../contracts/function-specs.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * Functions that decode images. sharp is a native module: esbuild cannot bundle it, so it is left
 * external and installed next to the bundle for linux-arm64 (npm's --os/--cpu selection picks the
 * `@img/sharp-linux-arm64` prebuilt packages, whatever the build machine is).
 */
export const sharpFunctions: ReadonlySet<FunctionId> = new Set([
  'inspect',
  'thumbnails',
  'analyse',
  'flag',
  // Re-renders an approved image's renditions (issue 20).
  'approve',
]);

/**
 * Installed beside the bundle of every image function: sharp (native) and heic-decode, whose
 * libheif wasm would otherwise be inlined as ≈ 1.6 MB of JavaScript in each bundle.
 */
export const imageNodeModules = ['sharp', 'heic-decode'];

/** ESM bundles still meet CommonJS dependencies that call `require`; give them one. */
const esmRequireBanner =
  "import { createRequire as __darkroomCreateRequire } from 'node:module'; const require = __darkroomCreateRequire(import.meta.url);";

/**
 * How NodejsFunction bundles a darkroom function: ESM for node24, minified, with a source map. The
 * AWS SDK v3 the runtime ships stays external (`@aws-sdk/*`, and `@smithy/*` with it, as CDK does
 * for nodejs18+) except the clients a function needs newer than the runtime's (`bundledSdk`).
 */
export function bundlingOptions(functionId: FunctionId | 'preTrafficHook'): nodejs.BundlingOptions {
  const usesSharp = sharpFunctions.has(functionId as FunctionId);
  return {
    format: nodejs.OutputFormat.ESM,
    target: 'node24',
    platform: 'node',
    mainFields: ['module', 'main'],
    banner: esmRequireBanner,
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    forceDockerBundling: false,
    externalModules: externalModulesOf(functionId),
    nodeModules: usesSharp ? imageNodeModules : [],
    environment: usesSharp
      ? { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_prefer_offline: 'true' }
      : {},
  };
}

/** The SDK packages the runtime provides, and the image modules (installed beside the bundle) where used. */
export function externalModulesOf(functionId: FunctionId | 'preTrafficHook'): string[] {
  const bundled = bundledSdk[functionId as FunctionId];
  const sdk = bundled ? [] : runtimeSdk;
  return [...sdk, ...(sharpFunctions.has(functionId as FunctionId) ? imageNodeModules : [])];
}

/** The AWS SDK v3 of the nodejs24.x runtime: every `@aws-sdk/*` package and the `@smithy/*` they use. */
export const runtimeSdk = ['@aws-sdk/*', '@smithy/*'];

/**
 * Functions that bundle their own SDK, and the feature that needs it: the runtime's SDK lags the
 * lockfile's by months, and a request parameter the runtime's client does not know is dropped
 * silently, not rejected.
 */
export const bundledSdk: Partial<Record<FunctionId, string>> = {};

export interface FunctionsProps {
  /** The value of each environment key a spec may name. */
  env: Record<FunctionEnvKey, string>;
}

export class Functions extends Construct {
  readonly byId: Record<FunctionId, nodejs.NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const entries = Object.entries(functionSpecs) as [FunctionId, (typeof functionSpecs)[FunctionId]][];
    this.byId = Object.fromEntries(
      entries.map(([functionId, spec]) => {
        const environment: Record<string, string> = Object.fromEntries(
          spec.env.map((key) => [key, props.env[key]]),
        );
        const fn = darkroomFunction(this, functionId, {
          functionName: spec.functionName,
          description: spec.description,
          entry: handlerEntry(spec),
          memoryMb: spec.memoryMb,
          timeoutSeconds: spec.timeoutSeconds,
          environment,
          bundling: bundlingOptions(functionId),
        });
        return [functionId, fn];
      }),
    ) as Record<FunctionId, nodejs.NodejsFunction>;
  }
}

export interface DarkroomFunctionProps {
  functionName: string;
  description: string;
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  bundling: nodejs.BundlingOptions;
}

/** A NodejsFunction on nodejs24.x/arm64, traced, with its own log group kept for a month. */
export function darkroomFunction(
  scope: Construct,
  id: string,
  props: DarkroomFunctionProps,
): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    logGroupName: `/aws/lambda/${props.functionName}`,
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new nodejs.NodejsFunction(scope, id, {
    functionName: props.functionName,
    description: props.description,
    entry: props.entry,
    handler: 'handler',
    projectRoot: root,
    depsLockFilePath: path.join(root, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memoryMb,
    timeout: Duration.seconds(props.timeoutSeconds),
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    environment: { POWERTOOLS_SERVICE_NAME: props.functionName, ...props.environment },
    bundling: props.bundling,
  });
}
