/**
 * The bootstrap account and admin created by `coffer init`, which the server provisions into
 * the IAM store (iam/store) at start-up; policies live in iam/policy.
 */
export {
  type BootstrapIdentity,
  createBootstrapIdentity,
  loadBootstrapIdentity,
  openSecret,
} from './principals/bootstrap.js';
/** Root user access keys: refused unless config iam.allowRootAccessKeys (break-glass only); the refusal says what to do instead. */
export { createRootAccessKey, ROOT_ACCESS_KEYS_DISABLED } from './principals/root-keys.js';
