/** cdk-nag (AWS Solutions) runs on every synth: nothing unacknowledged, every acknowledgment reasoned. */
import { describe, expect, it } from 'vitest';
import { readJson } from './synthesized.ts';

interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string }[] }[];
}

type Metadata = Record<string, { type: string; data: unknown }[]>;

describe('cdk-nag', () => {
  it('reports no unacknowledged finding', () => {
    const report = readJson<ValidationReport>('validationReportPath');
    const solutions = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(solutions?.violations.map((v) => v.ruleName)).toEqual([]);
    expect(solutions?.conclusion).toBe('success');
  });

  it('gives every acknowledged rule a real reason', () => {
    const metadata = readJson<Metadata>('metadataPath');
    const acknowledged = Object.values(metadata)
      .flat()
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [rule, reason] of acknowledged) {
      expect(reason.length, rule).toBeGreaterThan(40);
    }
  });
});
