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
