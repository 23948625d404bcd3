/** One Lambda function per spec in contracts/function-specs.ts, on nodejs24.x and arm64. */
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { cdnEnv, functionSpecs, handlerEntry, preTrafficHook } from '../../contracts/function-specs.ts';
import { names } from '../../contracts/names.ts';
import { sharpFunctions } from '../../infra/functions.ts';
import { resourceNamed, resourcesOfType, template } from './synthesized.ts';

const specs = Object.values(functionSpecs);

describe('Lambda functions', () => {
  it('exist once per spec, and no others besides CDK helpers', () => {
    const ours = resourcesOfType('AWS::Lambda::Function')
      .map(([, r]) => r.Properties?.FunctionName)
      .filter((name) => name !== undefined);
    // Plus the cloud-only CodeDeploy pre-traffic hook.
    expect(ours.sort()).toEqual([...specs.map((s) => s.functionName), preTrafficHook.functionName].sort());
  });

  it.each(specs)(
    '$functionName runs on nodejs24.x, arm64, traced, sized and configured by its spec',
    (spec) => {
      const [, fn] = resourceNamed('AWS::Lambda::Function', 'FunctionName', spec.functionName);
      const props = fn.Properties ?? {};
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
      expect(props.MemorySize).toBe(spec.memoryMb);
      expect(props.Timeout).toBe(spec.timeoutSeconds);
      expect(props.Handler).toBe('index.handler');
      const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      // signUrls alone also gets the CDN's settings (cloud-only, see infra/cdn.ts).
      const cloudOnly = spec.functionName === names.functions.signUrls ? Object.values(cdnEnv) : [];
      expect(Object.keys(variables).sort()).toEqual(
        [...spec.env, ...cloudOnly, 'POWERTOOLS_SERVICE_NAME'].sort(),
      );
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(spec.functionName);
      expect(props.LoggingConfig).toEqual({ LogGroup: { Ref: expect.any(String) } });
    },
  );

  it('keeps each function log for a month', () => {
    for (const spec of specs) {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/${spec.functionName}`,
        RetentionInDays: 30,
      });
    }
  });

  it('installs sharp for exactly the functions whose code imports it', () => {
    // Follow the function's own modules, leave packages external, and read which ones it imports.
    const importsSharp = (entry: string) => {
      const { metafile } = buildSync({
        entryPoints: [entry],
        bundle: true,
        write: false,
        packages: 'external',
        platform: 'node',
        format: 'esm',
        metafile: true,
        logLevel: 'silent',
      });
      return Object.values(metafile.outputs).some((out) => out.imports.some((i) => i.path === 'sharp'));
    };
    const needed = Object.entries(functionSpecs)
      .filter(([, spec]) => importsSharp(handlerEntry(spec)))
      .map(([id]) => id);
    expect(needed.sort()).toEqual([...sharpFunctions].sort());
  });
});
