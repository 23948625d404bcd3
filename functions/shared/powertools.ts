/** Powertools for AWS Lambda, one instance each per function module (service name from env). */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'darkroom';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'darkroom' });
// Locally there is no X-Ray daemon: Powertools disables tracing outside Lambda by itself.
export const tracer = new Tracer({ serviceName });
