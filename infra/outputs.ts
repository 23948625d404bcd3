/** The stack's outputs: what a client or the deploy script needs to find the deployed resources. */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type OutputName, outputKeys } from '../contracts/output-keys.ts';

export function addStackOutputs(scope: Construct, values: Omit<Record<OutputName, string>, 'region'>): void {
  const all: Record<OutputName, string> = { ...values, region: Stack.of(scope).region };
  for (const [name, value] of Object.entries(all) as [OutputName, string][]) {
    new CfnOutput(scope, outputKeys[name], { value, key: outputKeys[name] });
  }
}
