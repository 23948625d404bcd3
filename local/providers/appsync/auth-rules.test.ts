import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { mayAccess } from './auth-rules.ts';
import type { Caller } from './identity.ts';

const awsDeclarations = readFileSync(new URL('../../../aws.graphql', import.meta.url), 'utf8');
const schema = buildSchema(`${awsDeclarations}
type Query {
  mine: String @aws_cognito_user_pools
  moderation: String @aws_cognito_user_pools(cognito_groups: ["moderators"])
  legacy: String @aws_auth(cognito_groups: ["moderators"])
  pipelineOnly: String @aws_iam
}
`);
const query = schema.getQueryType() as GraphQLObjectType;
const field = (name: string) => {
  const found = query.getFields()[name];
  if (!found) throw new Error(`no field ${name}`);
  return found;
};

function cognitoCaller(groups: string[] | null): Caller {
  return {
    mode: 'AMAZON_COGNITO_USER_POOLS',
    identity: {
      sub: 's',
      issuer: 'i',
      username: 'u',
      claims: {},
      sourceIp: [],
      defaultAuthStrategy: 'ALLOW',
      groups,
    },
  };
}
const iamCaller: Caller = {
  mode: 'AWS_IAM',
  identity: {
    accountId: '000000000000',
    cognitoIdentityPoolId: null,
    cognitoIdentityId: null,
    sourceIp: [],
    username: 'r',
    userArn: 'arn',
    cognitoIdentityAuthType: null,
    cognitoIdentityAuthProvider: null,
  },
};
const moderator = cognitoCaller(['moderators']);
const member = cognitoCaller(null);

describe('AppSync auth directives', () => {
  it('honours cognito_groups on @aws_cognito_user_pools: only members of a listed group pass', () => {
    expect(mayAccess(query, field('moderation'), moderator)).toBe(true);
    expect(mayAccess(query, field('moderation'), member)).toBe(false);
    expect(mayAccess(query, field('moderation'), cognitoCaller(['editors']))).toBe(false);
    expect(mayAccess(query, field('moderation'), iamCaller)).toBe(false);
    expect(mayAccess(query, field('mine'), member)).toBe(true);
  });

  it('ignores @aws_auth when the API has more than one mode (this one: Cognito + IAM), as AppSync does', () => {
    // Ignored, the field has no directive: the default mode (Cognito) reaches it, groups or not.
    expect(mayAccess(query, field('legacy'), member)).toBe(true);
    expect(mayAccess(query, field('legacy'), moderator)).toBe(true);
    expect(mayAccess(query, field('legacy'), iamCaller)).toBe(false);
  });

  it('honours @aws_auth and its groups when Cognito is the only mode', () => {
    const cognitoOnly = ['AMAZON_COGNITO_USER_POOLS'] as const;
    expect(mayAccess(query, field('legacy'), moderator, cognitoOnly)).toBe(true);
    expect(mayAccess(query, field('legacy'), member, cognitoOnly)).toBe(false);
  });

  it('lets only the named mode reach a field with a directive', () => {
    expect(mayAccess(query, field('pipelineOnly'), iamCaller)).toBe(true);
    expect(mayAccess(query, field('pipelineOnly'), moderator)).toBe(false);
  });

  it('applies the same rules to the real schema: moderation is the moderators group only (issue 20)', () => {
    const real = buildSchema(
      `${awsDeclarations}\n${readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8')}`,
    );
    const type = (name: string) => real.getType(name) as GraphQLObjectType;
    const of = (typeName: string, fieldName: string) => {
      const found = type(typeName).getFields()[fieldName];
      if (!found) throw new Error(`no field ${typeName}.${fieldName}`);
      return [type(typeName), found] as const;
    };
    for (const [parent, moderation] of [
      of('Query', 'listFlaggedImages'),
      of('Mutation', 'reviewImage'),
      // A field's own directive replaces Image's `@aws_cognito_user_pools @aws_iam`.
      of('Image', 'originalUrl'),
    ]) {
      expect(mayAccess(parent, moderation, moderator), moderation.name).toBe(true);
      expect(mayAccess(parent, moderation, member), moderation.name).toBe(false);
      expect(mayAccess(parent, moderation, iamCaller), moderation.name).toBe(false);
    }
    // What the publish call selects stays readable by the pipeline's IAM principal and by owners.
    for (const [parent, shared] of [
      of('Image', 'review'),
      of('Review', 'decision'),
      of('Review', 'reviewer'),
    ]) {
      expect(mayAccess(parent, shared, iamCaller), shared.name).toBe(true);
      expect(mayAccess(parent, shared, member), shared.name).toBe(true);
    }
  });
});
