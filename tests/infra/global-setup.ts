/**
 * Synthesizes the Darkroom app ONCE for every infra test, in process and without bundling the
 * Lambda code (context `aws:cdk:bundling-stacks: []`), and provides where the assembly lives.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { names } from '../../contracts/names.ts';
import { createApp } from '../../infra/create-app.ts';

export interface InfraSynth {
  templatePath: string;
  /** cdk-nag's findings, as CDK's policy validation report. */
  validationReportPath: string;
  /** Construct metadata (acknowledged rules and their reasons). */
  metadataPath: string;
  synthMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    infraSynth: InfraSynth;
  }
}

const root = path.resolve(import.meta.dirname, '../..');

/** The context `cdk synth` would see (cdk.json), minus Lambda bundling. */
export function testContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
}

export default function setup(project: TestProject): () => void {
  const outdir = mkdtempSync(path.join(tmpdir(), 'darkroom-cdk-'));
  const started = performance.now();
  const { app } = createApp({ outdir, context: testContext() });
  try {
    app.synth();
  } catch (error) {
    // cdk-nag findings fail synth; name them so the failure says what to fix.
    const report = path.join(outdir, 'validation-report.json');
    const detail = readFileIfAny(report);
    throw new Error(`cdk synth failed: ${String(error)}${detail ? `\n${summarizeReport(detail)}` : ''}`);
  }
  const synthMs = Math.round(performance.now() - started);
  console.log(`infra: synthesized ${names.stack} in ${synthMs} ms (Lambda bundling skipped)`);
  project.provide('infraSynth', {
    templatePath: path.join(outdir, `${names.stack}.template.json`),
    validationReportPath: path.join(outdir, 'validation-report.json'),
    metadataPath: path.join(outdir, `${names.stack}.metadata.json`),
    synthMs,
  });
  return () => rmSync(outdir, { recursive: true, force: true });
}

function readFileIfAny(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function summarizeReport(json: string): string {
  const report = JSON.parse(json) as {
    pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  return report.pluginReports
    .flatMap((plugin) => plugin.violations)
    .flatMap((v) => v.violatingConstructs.map((c) => `  ${v.ruleName} at ${c.constructPath}`))
    .join('\n');
}
