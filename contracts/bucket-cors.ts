/**
 * The images bucket's CORS rule, defined once: browsers POST the presigned form straight to the
 * bucket and read thumbnails from it. infra/storage.ts builds the CDK bucket's rule from it and the
 * local S3 provider enforces the same rule (local/providers/s3/cors.ts).
 */

/** The methods S3 accepts in a CORS rule (PutBucketCors refuses any other). */
export const corsMethods = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;
export type CorsMethod = (typeof corsMethods)[number];

export function isCorsMethod(method: string): method is CorsMethod {
  return (corsMethods as readonly string[]).includes(method);
}

/** One S3 CORS rule, in S3's own terms (CORSRule). */
export interface CorsRule {
  allowedMethods: CorsMethod[];
  allowedOrigins: string[];
  allowedHeaders: string[];
  exposedHeaders: string[];
  maxAgeSeconds?: number;
}

/** Origins when the deployment names none (CDK context `corsOrigins`; the local stack always). */
export const anyOrigin: readonly string[] = ['*'];

/** The bucket's rules for the origins allowed to upload from a browser. */
export function uploadBucketCors(allowedOrigins: readonly string[] = anyOrigin): CorsRule[] {
  return [
    {
      allowedMethods: ['POST', 'PUT', 'GET', 'HEAD'],
      allowedOrigins: [...allowedOrigins],
      allowedHeaders: ['*'],
      // A script sees only the response headers a rule exposes.
      exposedHeaders: ['ETag'],
      maxAgeSeconds: 3000,
    },
  ];
}
