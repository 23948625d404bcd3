import { describe, expect, it } from 'vitest';
import { stackOutputsFrom, toAmplifyOutputs } from './amplify-outputs.ts';
import { passwordPolicy } from './password-policy.ts';

const deployed = {
  GraphqlUrl: 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql',
  Region: 'eu-west-1',
  UserPoolId: 'eu-west-1_AbCdEf123',
  UserPoolClientId: '4h5j6k7l8m9n0p1q2r3s4t5u6v',
  BucketName: 'darkroom-storageimagesbucket-1a2b3c4d5e6f',
  TableName: 'Images',
  TopicArn: 'arn:aws:sns:eu-west-1:123456789012:image-processed',
};

describe('toAmplifyOutputs', () => {
  it('maps the stack outputs onto the Amplify Gen 2 auth and data sections', () => {
    const outputs = toAmplifyOutputs(deployed);
    expect(outputs.version).toBe('1.3');
    expect(outputs.auth).toMatchObject({
      aws_region: 'eu-west-1',
      user_pool_id: 'eu-west-1_AbCdEf123',
      user_pool_client_id: '4h5j6k7l8m9n0p1q2r3s4t5u6v',
      username_attributes: ['email'],
    });
    expect(outputs.auth).not.toHaveProperty('identity_pool_id');
    expect(outputs.data).toEqual({
      url: deployed.GraphqlUrl,
      aws_region: 'eu-west-1',
      default_authorization_type: 'AMAZON_COGNITO_USER_POOLS',
      authorization_types: ['AWS_IAM'],
    });
    expect(outputs.custom).toEqual({});
  });

  it('tells clients the password policy the user pool enforces', () => {
    expect(toAmplifyOutputs(deployed).auth.password_policy).toEqual({
      min_length: passwordPolicy.minLength,
      require_lowercase: true,
      require_uppercase: true,
      require_numbers: true,
      require_symbols: true,
    });
  });

  it('puts a local Cognito endpoint under custom, where Amplify keeps unknown keys', () => {
    const outputs = toAmplifyOutputs(
      { ...deployed, GraphqlUrl: 'http://127.0.0.1:4566/graphql', Region: 'us-east-1' },
      { userPoolEndpoint: 'http://127.0.0.1:4566', identityPoolId: 'us-east-1:1111-2222' },
    );
    expect(outputs.custom).toEqual({ userPoolEndpoint: 'http://127.0.0.1:4566' });
    expect(outputs.auth.identity_pool_id).toBe('us-east-1:1111-2222');
    expect(outputs.data.url).toBe('http://127.0.0.1:4566/graphql');
  });
});

describe('stackOutputsFrom', () => {
  it('reads one stack out of a cdk --outputs-file document', () => {
    expect(stackOutputsFrom({ Other: {}, Darkroom: deployed }, 'Darkroom')).toEqual(deployed);
  });

  it('names the missing output when the stack lacks one', () => {
    const { TopicArn: _dropped, ...partial } = deployed;
    expect(() => stackOutputsFrom({ Darkroom: partial }, 'Darkroom')).toThrow(/TopicArn/);
  });

  it('refuses a document without the stack', () => {
    expect(() => stackOutputsFrom({ Other: deployed }, 'Darkroom')).toThrow(/no stack "Darkroom"/);
  });
});
