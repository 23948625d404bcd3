/** The CDK app's entry (cdk.json runs it with tsx): synthesizes the Darkroom stack into cdk.out. */
import { createApp } from './create-app.ts';

createApp().app.synth();
