/**
 * A handler that loads Powertools as the functions do (its Tracer loads the X-Ray SDK) and tells
 * whether the SDK's automatic mode started: cls-hooked registers its namespace on `process`.
 */
import '../../../../functions/shared/powertools.ts';

export async function handler() {
  const namespaces = (process as { namespaces?: Record<string, unknown> }).namespaces ?? {};
  return { xrayContextTracking: 'AWSXRay' in namespaces };
}
