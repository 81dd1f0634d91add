/**
 * Permissions boundaries of users and roles, and the account password policy.
 *
 *   Put<User|Role>PermissionsBoundary   the managed policy ARN must exist; evaluation then
 *                                       intersects the identity policies with it (iam/policy)
 *   Delete<User|Role>PermissionsBoundary
 *   UpdateAccountPasswordPolicy         as AWS: every parameter left out takes its default
 *                                       (MinimumPasswordLength 8, the rest false/0); enforced by
 *                                       Create/UpdateLoginProfile and ChangePassword
 *   ChangePassword                      an IAM user, its old password; allowed by an identity policy
 *                                       or, as AWS, by AllowUsersToChangePassword
 *   GetAccountPasswordPolicy            NoSuchEntity until one was set (Coffer still enforces its
 *                                       built-in minimum of 12 characters then)
 *   DeleteAccountPasswordPolicy         back to the built-in default
 *
 * Password expiry, reuse prevention and hard expiry are not enforced by Coffer, so asking for
 * them is refused rather than stored and silently ignored.
 */
import { CofferError } from '../../../shared/index.js';
import type { PasswordPolicy } from '../../../iam/store/index.js';
import { el, wrap } from '../xml.js';
import { entityArn, type ActionContext, type IamAction } from './types.js';

const accountArn = async (c: ActionContext) => `arn:aws:iam::${c.accountId}:root`;

function boundaryActions(kind: 'user' | 'role', K: 'User' | 'Role'): Record<string, IamAction> {
  const nameParam = `${K}Name`;
  const arn = async (c: ActionContext) => entityArn(c, kind, c.params.required(nameParam));
  return {
    [`Put${K}PermissionsBoundary`]: {
      resource: arn,
      run: async (c) => {
        const policyArn = c.params.required('PermissionsBoundary');
        if (!/^arn:aws:iam::(?:\d{12}|aws):policy\//.test(policyArn)) {
          throw new CofferError('iam.invalid_input', { message: 'ARN for the permissions boundary must be a managed policy ARN (arn:aws:iam::<account>:policy/<name>).' });
        }
        await c.store.setPermissionsBoundary(kind, c.params.required(nameParam), policyArn);
        return null;
      },
    },
    [`Delete${K}PermissionsBoundary`]: {
      resource: arn,
      run: async (c) => {
        await c.store.setPermissionsBoundary(kind, c.params.required(nameParam), null);
        return null;
      },
    },
  };
}

function intParam(c: ActionContext, name: string, min: number, max: number, fallback: number): number {
  const v = c.params.int(name);
  if (v === undefined) return fallback;
  if (v < min || v > max) {
    const param = name[0]?.toLowerCase() + name.slice(1);
    throw new CofferError('iam.validation', { message: `1 validation error detected: Value '${v}' at '${param}' failed to satisfy constraint: Member must have value between ${min} and ${max}` });
  }
  return v;
}

function passwordPolicyXml(p: PasswordPolicy): string {
  return wrap(
    'PasswordPolicy',
    el('MinimumPasswordLength', p.minimumPasswordLength) +
      el('RequireSymbols', p.requireSymbols) +
      el('RequireNumbers', p.requireNumbers) +
      el('RequireUppercaseCharacters', p.requireUppercaseCharacters) +
      el('RequireLowercaseCharacters', p.requireLowercaseCharacters) +
      el('AllowUsersToChangePassword', p.allowUsersToChangePassword ?? false) +
      el('ExpirePasswords', false),
  );
}

export const accountSettingsActions: Record<string, IamAction> = {
  ...boundaryActions('user', 'User'),
  ...boundaryActions('role', 'Role'),

  UpdateAccountPasswordPolicy: {
    resource: accountArn,
    run: async (c) => {
      for (const unsupported of ['MaxPasswordAge', 'PasswordReusePrevention']) {
        if ((c.params.int(unsupported) ?? 0) !== 0) {
          throw new CofferError('iam.validation', { message: `${unsupported} is not supported by Coffer (passwords do not expire and history is not kept); leave it out.` });
        }
      }
      if (c.params.bool('HardExpiry') === true) throw new CofferError('iam.validation', { message: 'HardExpiry is not supported by Coffer (passwords do not expire); leave it out.' });
      await c.store.setPasswordPolicy({
        minimumPasswordLength: intParam(c, 'MinimumPasswordLength', 6, 128, 8),
        requireSymbols: c.params.bool('RequireSymbols') ?? false,
        requireNumbers: c.params.bool('RequireNumbers') ?? false,
        requireUppercaseCharacters: c.params.bool('RequireUppercaseCharacters') ?? false,
        requireLowercaseCharacters: c.params.bool('RequireLowercaseCharacters') ?? false,
        allowUsersToChangePassword: c.params.bool('AllowUsersToChangePassword') ?? false,
      });
      return null;
    },
  },
  GetAccountPasswordPolicy: {
    resource: accountArn,
    run: async (c) => {
      if (!(await c.store.hasPasswordPolicy())) throw new CofferError('iam.no_such_entity', { message: `The Password Policy with domain name ${c.accountId} cannot be found.` });
      return passwordPolicyXml(await c.store.getPasswordPolicy());
    },
  },
  /** An IAM user changes its own password: the old one must match, the new one must meet the policy. */
  ChangePassword: {
    resource: async (c) => {
      if (!c.callerUserName) throw new CofferError('iam.invalid_user_type', { message: 'Only IAM users can change their own password.' });
      return entityArn(c, 'user', c.callerUserName);
    },
    selfService: async (c) => (await c.store.hasPasswordPolicy()) && (await c.store.getPasswordPolicy()).allowUsersToChangePassword === true,
    run: async (c) => {
      const user = c.callerUserName as string;
      // Constant-time scrypt check; the same answer for a wrong password and a missing profile.
      if (!(await c.store.checkPassword(user, c.params.required('OldPassword')))) {
        throw new CofferError('iam.access_denied', { message: 'The old password is not correct, or the user has no password.' });
      }
      await c.store.updateLoginProfile(user, { password: c.params.required('NewPassword'), passwordResetRequired: false });
      return null;
    },
  },
  DeleteAccountPasswordPolicy: {
    resource: accountArn,
    run: async (c) => {
      await c.store.deletePasswordPolicy();
      return null;
    },
  },
};
