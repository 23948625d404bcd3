/** The probe behind a slow cold start: its worker takes 1.5 s to load, far longer than a short invocation. */
await new Promise((resolve) => setTimeout(resolve, 1_500));

export { handler } from './probe.ts';
