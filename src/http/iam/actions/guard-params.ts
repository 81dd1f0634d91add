/**
 * Where the free-form field guard (src/guards) meets IAM: the user-chosen names, paths,
 * descriptions and tags of actions that store them are checked after authorisation and before
 * the action runs, so a refused request changes nothing (ValidationError naming the parameter
 * and the kind of data, never the value).
 */
import type { GuardSession } from '../../../guards/index.js';
import type { Params } from '../params.js';

/** Parameters that hold a free-form name, path or description. */
export const GUARDED_PARAMS: readonly string[] = Object.freeze([
  'UserName', 'NewUserName', 'GroupName', 'NewGroupName', 'RoleName', 'PolicyName', 'InstanceProfileName',
  'VirtualMFADeviceName', 'ServerCertificateName', 'NewServerCertificateName', 'Path', 'NewPath', 'Description',
  'AccountAlias', 'SAMLProviderName',
]);

/** Actions that store what they are given (names, paths, descriptions, tags). */
const STORING = /^(Create|Update|Tag|Put|Upload|Change|Set)/;

/** True when `action`'s free-form parameters are checked. */
export function isGuardedAction(action: string): boolean {
  return STORING.test(action);
}

/** Checks the free-form parameters of a storing action; throws (reject mode) before any change. */
export function guardIamParams(guard: GuardSession, action: string, params: Params): void {
  if (!isGuardedAction(action)) return;
  for (const name of GUARDED_PARAMS) {
    const v = params.optional(name);
    if (v !== undefined) guard.check(name, v, { value: name === 'Description' });
  }
  let i = 0;
  for (const tag of params.tags()) {
    i++;
    guard.check(`tag key (tag ${i})`, tag.key);
    guard.check(`tag value (tag ${i})`, tag.value, { context: [tag.key], value: true });
  }
}
