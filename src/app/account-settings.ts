/** The account-wide Block Public Access settings of the S3 Control API, kept in the identity store. */
import type { IamStore } from '../iam/store/index.js';
import type { AccountPublicAccessBlockStore } from '../http/s3/handlers/account-public-access-block.js';

export function accountPublicAccessBlock(store: IamStore): AccountPublicAccessBlockStore {
  return {
    accountId: store.accountId,
    get: () => store.getAccountPublicAccessBlock(),
    put: (settings) => store.putAccountPublicAccessBlock(settings),
    delete: () => store.deleteAccountPublicAccessBlock(),
  };
}
