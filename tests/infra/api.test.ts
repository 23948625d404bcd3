/** The AppSync API: schema, auth modes, logging, data sources and one resolver per catalog entry. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { listDataSources } from '../../contracts/data-sources.ts';
import { functionSpecs } from '../../contracts/function-specs.ts';
import { names } from '../../contracts/names.ts';
import { queryLimits } from '../../contracts/query-limits.ts';
import { createApp } from '../../infra/create-app.ts';
import { objectFields, rootFields } from '../../infra/schema-fields.ts';
import { listResolvers } from '../../resolvers/catalog.ts';
import { testContext } from './global-setup.ts';
import { liveAliasOf, propsOf, resourceNamed, resourcesOfType, template } from './synthesized.ts';

const schema = readFileSync(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8');

const resolvers = resourcesOfType('AWS::AppSync::Resolver').map(([, r]) => r.Properties ?? {});
const attached = resolvers.map((p) => `${String(p.TypeName)}.${String(p.FieldName)}`);

describe('AppSync API', () => {
  it('deploys schema.graphql as it is, without the codegen-only AWS scalar declarations', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLSchema', { Definition: schema });
    expect(schema).not.toMatch(/^scalar AWSDateTime/m);
  });

  it('authorizes with Cognito user pools by default and IAM as the additional mode', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      Name: names.api,
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      UserPoolConfig: Match.objectLike({ UserPoolId: Match.anyValue() }),
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      XrayEnabled: true,
      LogConfig: {
        FieldLogLevel: 'ERROR',
        CloudWatchLogsRoleArn: Match.anyValue(),
        ExcludeVerboseContent: false,
      },
    });
  });

  it('sets the query depth and resolver count limits the local stack enforces (contracts/query-limits.ts)', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      QueryDepthLimit: queryLimits.queryDepthLimit,
      ResolverCountLimit: queryLimits.resolverCountLimit,
    });
  });

  it('has exactly the data sources of contracts/data-sources.ts, each pointing at its table or function', () => {
    const logicalIdOf = (type: string, key: string, value: string) => resourceNamed(type, key, value)[0];
    const built = Object.fromEntries(
      resourcesOfType('AWS::AppSync::DataSource').map(([, r]) => {
        const props = propsOf(r);
        const target =
          props.Type === 'AMAZON_DYNAMODB'
            ? (props.DynamoDBConfig as { TableName: { Ref: string } }).TableName.Ref
            : props.Type === 'AWS_LAMBDA'
              ? (props.LambdaConfig as { LambdaFunctionArn: { Ref: string } }).LambdaFunctionArn.Ref
              : undefined;
        return [props.Name, { kind: props.Type, target }];
      }),
    );

    const expected = Object.fromEntries(
      listDataSources().map(([name, spec]) => [
        name,
        {
          kind: spec.kind,
          target:
            spec.kind === 'AMAZON_DYNAMODB'
              ? logicalIdOf('AWS::DynamoDB::Table', 'TableName', spec.tableName)
              : spec.kind === 'AWS_LAMBDA'
                ? // The function's live alias: AppSync calls what CodeDeploy shifts canary-first.
                  liveAliasOf(functionSpecs[spec.functionId].functionName)
                : undefined,
        },
      ]),
    );
    expect(built).toEqual(expected);
    expect(Object.keys(built).sort()).toEqual(Object.values(names.dataSources).sort());
  });

  it('attaches every resolver to a field the schema declares', () => {
    const known = objectFields(schema);
    expect(attached.filter((field) => !known.has(field))).toEqual([]);
    expect(new Set(attached).size).toBe(attached.length);
  });

  it('resolves every Query, Mutation and Subscription field', () => {
    const missing = rootFields(schema).filter((field) => !attached.includes(field));
    expect(missing).toEqual([]);
  });

  it('attaches each catalog entry as APPSYNC_JS 1.0.0 code, unit or pipeline, with its batch size', () => {
    const catalog = listResolvers();
    expect(resolvers).toHaveLength(catalog.length);
    for (const entry of catalog) {
      const props = resolvers.find((p) => p.TypeName === entry.typeName && p.FieldName === entry.fieldName);
      expect(props, `${entry.typeName}.${entry.fieldName}`).toBeDefined();
      expect(props?.Runtime).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
      expect(typeof props?.Code).toBe('string');
      expect(props?.Kind).toBe(entry.kind === 'pipeline' ? 'PIPELINE' : 'UNIT');
      expect(props?.MaxBatchSize).toBe(entry.maxBatchSize);
      if (entry.kind === 'pipeline') {
        const functions = (props?.PipelineConfig as { Functions: unknown[] } | undefined)?.Functions;
        expect(functions).toHaveLength(entry.functions.length);
      }
    }
    const functionCount = catalog.reduce(
      (n, entry) => n + (entry.kind === 'pipeline' ? entry.functions.length : 0),
      0,
    );
    template.resourceCountIs('AWS::AppSync::FunctionConfiguration', functionCount);
    template.allResourcesProperties('AWS::AppSync::FunctionConfiguration', {
      Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
      Code: Match.stringLikeRegexp('export'),
    });
  });

  it('signs thumbnail URLs once per image: Image.thumbnails batches on signUrls, Thumbnail.url has no resolver', () => {
    const thumbnails = resolvers.find((p) => p.TypeName === 'Image' && p.FieldName === 'thumbnails');
    expect(thumbnails).toMatchObject({
      Kind: 'UNIT',
      DataSourceName: names.dataSources.signUrls,
      MaxBatchSize: 100,
    });
    expect(attached.filter((field) => field.startsWith('Thumbnail.'))).toEqual([]);
  });

  it('refuses to synthesize a resolver for a field the schema does not declare', () => {
    const bogus = { typeName: 'Query', fieldName: 'noSuchField', kind: 'unit' as const, functions: [] };
    const [first] = listResolvers();
    if (!first) throw new Error('the resolver catalog is empty');
    expect(() =>
      createApp({
        context: testContext(),
        resolvers: [first, { ...bogus, dataSource: names.dataSources.none, source: first.source }],
      }),
    ).toThrow(/Query\.noSuchField/);
  });
});

describe('Cognito', () => {
  it('lets users sign themselves up with their email, verified by a code, under a strong password policy', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: names.userPool,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      VerificationMessageTemplate: Match.objectLike({ DefaultEmailOption: 'CONFIRM_WITH_CODE' }),
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('allows password and SRP sign-in for the app client, without a secret', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: names.userPoolClient,
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
    });
  });

  it('has the moderators group', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: names.moderatorsGroup });
  });
});
