/** Least privilege: no wildcard actions on data, and each role may do only its own job. */
import { describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import {
  type CfnResource,
  getAttTarget,
  liveAliasOf,
  propsOf,
  resourceNamed,
  resourcesOfType,
} from './synthesized.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const policies = resourcesOfType('AWS::IAM::Policy');

function statementsOf(policy: CfnResource): Statement[] {
  return (propsOf(policy).PolicyDocument as { Statement: Statement[] }).Statement;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** The statements of the policies attached to the role of one of our functions. */
function functionStatements(functionName: string): Statement[] {
  const [, fn] = resourceNamed('AWS::Lambda::Function', 'FunctionName', functionName);
  const roleId = getAttTarget(propsOf(fn).Role);
  return policies
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => statementsOf(p));
}

describe('IAM', () => {
  it('grants no action "*", and no service-wide or wildcard action on S3, DynamoDB, SNS or SQS', () => {
    const offending = policies.flatMap(([id, p]) =>
      statementsOf(p)
        .flatMap(actionsOf)
        .filter((action) => action === '*' || /^(s3|dynamodb|sns|sqs|appsync|states):.*\*/.test(action))
        .map((action) => `${id}: ${action}`),
    );
    expect(offending).toEqual([]);
  });

  it('lets publish call only the publishImageProcessed mutation', () => {
    // Its other grants (the announcement's UpdateItem and Publish) are checked by function-grants.test.ts.
    const statements = functionStatements(names.functions.publish).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('appsync:')),
    );
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    expect(actionsOf(statement as Statement)).toEqual(['appsync:GraphQL']);
    const resource = JSON.stringify(statement?.Resource);
    expect(resource).toContain('/types/Mutation/fields/publishImageProcessed');
    expect(resource).not.toMatch(/fields\/\*|types\/Mutation\/\*/);
  });

  it.each([names.functions.inspect, names.functions.thumbnails, names.functions.analyse])(
    'lets %s publish its milestones only through publishImageProgress, and write items only by UpdateItem',
    (functionName) => {
      const statements = functionStatements(functionName);
      const graphql = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('appsync:')));
      expect(graphql.flatMap(actionsOf)).toEqual(['appsync:GraphQL']);
      const resource = JSON.stringify(graphql.map((s) => s.Resource));
      expect(resource).toContain('/types/Mutation/fields/publishImageProgress');
      expect(resource).not.toContain('publishImageProcessed');
      const dynamodb = statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
      // The milestone's one write; the duplicate lookups only read.
      expect(dynamodb).toContain('dynamodb:UpdateItem');
      expect(dynamodb.filter((action) => /Put|Delete|Batch|Transact/.test(action))).toEqual([]);
    },
  );

  it('lets the sweeper publish only through publishImageProcessed and query only the byStatus index', () => {
    const statements = functionStatements(names.functions.sweeper);
    const graphql = statements.filter((s) => actionsOf(s).includes('appsync:GraphQL'));
    expect(JSON.stringify(graphql.map((s) => s.Resource))).toContain('/fields/publishImageProcessed');
    const query = statements.filter((s) => actionsOf(s).includes('dynamodb:Query'));
    expect(JSON.stringify(query.map((s) => s.Resource))).toContain(`/index/${names.indexes.byStatus}`);
    expect(JSON.stringify(query.map((s) => s.Resource))).not.toContain('index/*');
  });

  it('gives the pipeline functions object access only under their key prefixes', () => {
    for (const fn of ['inspect', 'thumbnails', 'analyse', 'flag'] as const) {
      // Object statements only: listing versions is bucket-level, held to the prefixes by s3:prefix.
      const s3 = functionStatements(names.functions[fn]).filter(
        (s) =>
          actionsOf(s).some((a) => a.startsWith('s3:')) && !actionsOf(s).some((a) => a.startsWith('s3:List')),
      );
      const resources = JSON.stringify(s3.map((s) => s.Resource));
      expect(resources, fn).toMatch(/\/uploads\/\*/);
      expect(resources, fn).not.toMatch(/"Arn"\]}(?!,"\/(uploads|thumbnails|quarantine)\/\*)/);
      expect(
        s3
          .flatMap(actionsOf)
          .every((a) =>
            ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObjectVersion'].includes(a),
          ),
        fn,
      ).toBe(true);
    }
  });

  it("lets the state machine invoke exactly the pipeline functions' live aliases and update the table", () => {
    const [, stateMachine] = resourceNamed(
      'AWS::StepFunctions::StateMachine',
      'StateMachineName',
      names.stateMachine,
    );
    const roleId = getAttTarget(propsOf(stateMachine).RoleArn);
    const statements = policies
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, p]) => statementsOf(p));
    const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    const invoked = invoke.flatMap((s) => s.Resource as unknown[]).map((r) => JSON.stringify(r));
    const expected = (
      ['inspect', 'thumbnails', 'analyse', 'flag', 'saveResult', 'markFailed', 'publish', 'approve'] as const
    ).map((fn) => JSON.stringify({ Ref: liveAliasOf(names.functions[fn]) }));
    expect(invoked.sort()).toEqual(expected.sort());
    const all = statements.flatMap(actionsOf);
    expect(all).toEqual(
      expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:GetItem', 's3:DeleteObject']),
    );
    // The publish function announces on the topic; the state machine itself publishes nothing.
    expect(all).not.toContain('sns:Publish');
  });
});
