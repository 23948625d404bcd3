// The package ships `dynamodb.d.ts` without an `exports` map, which NodeNext resolution does not
// find for the bare subpath AppSync requires; point the subpath at the package's own typings.
declare module '@aws-appsync/utils/dynamodb' {
  export * from '@aws-appsync/utils/lib/dynamodb-helpers.js';
}
