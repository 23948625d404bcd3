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
export const sharpFunctions: ReadonlySet<FunctionId> = new Set(['inspect', 'thumbnails', 'analyse', 'flag']);

/** ESM bundles still meet CommonJS dependencies that call `require`; give them one. */
const esmRequireBanner =
  "import { createRequire as __darkroomCreateRequire } from 'node:module'; const require = __darkroomCreateRequire(import.meta.url);";

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
        const logGroup = new logs.LogGroup(this, `${functionId}Logs`, {
          logGroupName: `/aws/lambda/${spec.functionName}`,
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        });
        const environment: Record<string, string> = {
          POWERTOOLS_SERVICE_NAME: spec.functionName,
          ...Object.fromEntries(spec.env.map((key) => [key, props.env[key]])),
        };
        const usesSharp = sharpFunctions.has(functionId);
        const fn = new nodejs.NodejsFunction(this, functionId, {
          functionName: spec.functionName,
          description: spec.description,
          entry: handlerEntry(spec),
          handler: 'handler',
          projectRoot: root,
          depsLockFilePath: path.join(root, 'package-lock.json'),
          runtime: lambda.Runtime.NODEJS_24_X,
          architecture: lambda.Architecture.ARM_64,
          memorySize: spec.memoryMb,
          timeout: Duration.seconds(spec.timeoutSeconds),
          tracing: lambda.Tracing.ACTIVE,
          logGroup,
          environment,
          bundling: {
            format: nodejs.OutputFormat.ESM,
            target: 'node24',
            platform: 'node',
            mainFields: ['module', 'main'],
            banner: esmRequireBanner,
            minify: true,
            sourceMap: true,
            sourcesContent: false,
            forceDockerBundling: false,
            // The runtime ships AWS SDK v3; bundling our own keeps versions pinned to the lockfile.
            externalModules: usesSharp ? ['sharp'] : [],
            nodeModules: usesSharp ? ['sharp'] : [],
            environment: usesSharp
              ? { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_prefer_offline: 'true' }
              : {},
          },
        });
        return [functionId, fn];
      }),
    ) as Record<FunctionId, nodejs.NodejsFunction>;
  }
}
