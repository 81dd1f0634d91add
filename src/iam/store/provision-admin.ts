/**
 * Moves the bootstrap admin (created by `coffer init`) into the identity store, idempotently:
 * the user, a customer-managed 'AdministratorAccess' policy (Allow * on *) attached to it, and
 * its existing access key (so clients keep working), keeping its user id (the owner recorded on
 * existing buckets and objects). Safe to run at every start.
 */
import { isCofferError } from '../../shared/index.js';
import type { IamStore } from './port.js';
import type { User } from './types.js';

export const ADMIN_POLICY_NAME = 'AdministratorAccess';
const ADMIN_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'AdministratorAccess', Effect: 'Allow', Action: '*', Resource: '*' }] });

export async function provisionAdminUser(store: IamStore, admin: { userName: string; userId?: string; accessKeyId: string; secretAccessKey: string; createdMs: number }): Promise<User> {
  let user: User;
  try {
    user = await store.getUser(admin.userName);
  } catch (e) {
    if (!isCofferError(e, 'iam.no_such_entity')) throw e;
    user = await store.createUser({ userName: admin.userName, ...(admin.userId ? { userId: admin.userId } : {}) });
  }
  const arn = `arn:aws:iam::${store.accountId}:policy/${ADMIN_POLICY_NAME}`;
  try {
    await store.getPolicy(arn);
  } catch (e) {
    if (!isCofferError(e, 'iam.no_such_entity')) throw e;
    await store.createPolicy({ policyName: ADMIN_POLICY_NAME, document: ADMIN_POLICY, description: 'Full access to every Coffer API' });
  }
  await store.attachPolicy('user', user.userName, arn);
  if ((await store.findAccessKey(admin.accessKeyId)) === null) {
    await store.importAccessKey(user.userName, admin.accessKeyId, admin.secretAccessKey, admin.createdMs);
  }
  return user;
}
