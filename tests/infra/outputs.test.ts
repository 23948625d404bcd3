/** The stack outputs the deploy script turns into amplify_outputs.json, and the synth budget. */
import { describe, expect, it } from 'vitest';
import { outputKeys } from '../../contracts/output-keys.ts';
import { synthMs, templateJson } from './synthesized.ts';

describe('stack outputs', () => {
  it('has every output toAmplifyOutputs reads', () => {
    expect(Object.keys(templateJson.Outputs ?? {}).sort()).toEqual(Object.values(outputKeys).sort());
    expect(templateJson.Outputs?.[outputKeys.region]?.Value).toEqual({ Ref: 'AWS::Region' });
  });

  it('synthesizes (without bundling) within the infra budget', () => {
    // Generous for a loaded 2-core runner; a synth that bundled the Lambda code would take minutes.
    expect(synthMs).toBeLessThan(90_000);
  });
});
