/**
 * Turns the stack's outputs into `amplify_outputs.json` (Amplify Gen 2 shape), the one file every
 * client reads. Pure: the deploy script and the local stack both call it.
 */
import { z } from 'zod';
import { outputKeys } from './output-keys.ts';
import { passwordPolicy } from './password-policy.ts';

export const stackOutputsSchema = z.object({
  [outputKeys.graphqlUrl]: z.url(),
  [outputKeys.region]: z.string().min(1),
  [outputKeys.userPoolId]: z.string().min(1),
  [outputKeys.userPoolClientId]: z.string().min(1),
  [outputKeys.bucketName]: z.string().min(1),
  [outputKeys.tableName]: z.string().min(1),
  [outputKeys.topicArn]: z.string().min(1),
});

/** The outputs of the Darkroom stack, keyed as in `cdk deploy --outputs-file`. */
export type StackOutputs = z.infer<typeof stackOutputsSchema>;

export interface AmplifyOutputsOptions {
  /** The local stack's Cognito endpoint; Amplify drops unknown auth keys, so it goes under `custom`. */
  userPoolEndpoint?: string;
  identityPoolId?: string;
}

export interface AmplifyOutputs {
  version: '1.3';
  auth: {
    aws_region: string;
    user_pool_id: string;
    user_pool_client_id: string;
    identity_pool_id?: string;
    password_policy: {
      min_length: number;
      require_lowercase: boolean;
      require_uppercase: boolean;
      require_numbers: boolean;
      require_symbols: boolean;
    };
    username_attributes: ['email'];
    standard_required_attributes: ['email'];
    user_verification_types: ['email'];
    unauthenticated_identities_enabled: false;
    mfa_configuration: 'OPTIONAL';
    mfa_methods: ['TOTP'];
  };
  data: {
    url: string;
    aws_region: string;
    default_authorization_type: 'AMAZON_COGNITO_USER_POOLS';
    authorization_types: ['AWS_IAM'];
  };
  custom: { userPoolEndpoint?: string };
}

export function toAmplifyOutputs(outputs: StackOutputs, options: AmplifyOutputsOptions = {}): AmplifyOutputs {
  const region = outputs[outputKeys.region];
  return {
    version: '1.3',
    auth: {
      aws_region: region,
      user_pool_id: outputs[outputKeys.userPoolId],
      user_pool_client_id: outputs[outputKeys.userPoolClientId],
      ...(options.identityPoolId ? { identity_pool_id: options.identityPoolId } : {}),
      password_policy: {
        min_length: passwordPolicy.minLength,
        require_lowercase: passwordPolicy.requireLowercase,
        require_uppercase: passwordPolicy.requireUppercase,
        require_numbers: passwordPolicy.requireDigits,
        require_symbols: passwordPolicy.requireSymbols,
      },
      username_attributes: ['email'],
      standard_required_attributes: ['email'],
      user_verification_types: ['email'],
      unauthenticated_identities_enabled: false,
      mfa_configuration: 'OPTIONAL',
      mfa_methods: ['TOTP'],
    },
    data: {
      url: outputs[outputKeys.graphqlUrl],
      aws_region: region,
      default_authorization_type: 'AMAZON_COGNITO_USER_POOLS',
      authorization_types: ['AWS_IAM'],
    },
    custom: options.userPoolEndpoint ? { userPoolEndpoint: options.userPoolEndpoint } : {},
  };
}

/** Reads one stack's outputs from a `cdk deploy --outputs-file` document, checking every key is there. */
export function stackOutputsFrom(outputsFile: unknown, stackName: string): StackOutputs {
  const stacks = z.record(z.string(), z.unknown()).parse(outputsFile);
  if (!(stackName in stacks)) throw new Error(`outputs file has no stack "${stackName}"`);
  return stackOutputsSchema.parse(stacks[stackName]);
}
