/**
 * The account root user is for break-glass only: it has no access keys by default, and creating
 * one is refused unless the operator turned on iam.allowRootAccessKeys (which should be turned off
 * again afterwards). Day-to-day access goes through IAM users with least-privilege policies.
 */
import { CofferError } from '../../shared/index.js';
import type { IamStore, RootAccessKey } from '../store/port.js';

/** What the refusal says: why, what to do instead, and how to allow it anyway. */
export const ROOT_ACCESS_KEYS_DISABLED =
  'Creating access keys for the root user is disabled: the root user is for break-glass only and has no access keys. ' +
  'Create an IAM user with only the permissions it needs instead (aws iam create-user, attach-user-policy, create-access-key --user-name NAME). ' +
  'If a root access key is truly required, set iam.allowRootAccessKeys to true (environment COFFER_IAM_ALLOW_ROOT_ACCESS_KEYS=true), create the key, and turn the setting off again.';

/** Creates an access key for the root user; 'iam.root_access_keys_disabled' (AccessDenied) unless allowed. */
export async function createRootAccessKey(store: IamStore, options: { allowRootAccessKeys: boolean }): Promise<{ key: RootAccessKey; secretAccessKey: string }> {
  if (!options.allowRootAccessKeys) throw new CofferError('iam.root_access_keys_disabled', { message: ROOT_ACCESS_KEYS_DISABLED });
  return store.rootKeys.create();
}
