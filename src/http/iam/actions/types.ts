/** One IAM query action: the resource it is authorised against, and what it does. */
import { CofferError } from '../../../shared/index.js';
import type { IamStore, EntityKind } from '../../../iam/store/index.js';
import { arnOf } from '../../../iam/store/index.js';
import type { Params } from '../params.js';

export interface ActionContext {
  params: Params;
  store: IamStore;
  accountId: string;
  /** The caller's IAM user name, if the caller is an IAM user (the default UserName of self-service actions). */
  callerUserName: string | undefined;
  /** The caller is the account root user (its own access keys are managed without UserName). */
  callerIsRoot?: boolean;
  /** Config iam.allowRootAccessKeys. */
  allowRootAccessKeys?: boolean;
}

export interface IamAction {
  /** The ARN evaluated for `iam:<Action>` before `run`. */
  resource(c: ActionContext): Promise<string>;
  /** When it answers true, the caller may act on itself without an identity policy allowing it (an explicit Deny still applies). */
  selfService?(c: ActionContext): Promise<boolean>;
  /** Inner XML of <ActionResult>, or null for actions without a result element. */
  run(c: ActionContext): Promise<string | null>;
}

/** The ARN of an entity, with its stored path when it exists (else the given or root path). */
export async function entityArn(c: ActionContext, kind: EntityKind, name: string, path = '/'): Promise<string> {
  try {
    if (kind === 'user') return (await c.store.getUser(name)).arn;
    if (kind === 'group') return (await c.store.getGroup(name)).group.arn;
    return (await c.store.getRole(name)).arn;
  } catch {
    return arnOf(c.accountId, kind, path, name);
  }
}

/** UserName, or the calling user for self-service actions (root has no default user). */
export function userNameOrCaller(c: ActionContext): string {
  const name = c.params.optional('UserName') ?? c.callerUserName;
  if (!name) throw new CofferError('iam.validation', { message: 'Must specify userName when calling with non-User credentials' });
  return name;
}
