/**
 * Identities. For now the bootstrap account and admin user created by `coffer init`; IAM users,
 * groups, roles and policies come with the IAM issue behind the same findSecret seam.
 */
export {
  type BootstrapIdentity,
  type Principal,
  createBootstrapIdentity,
  loadBootstrapIdentity,
  bootstrapSecretFinder,
  openSecret,
} from './principals/bootstrap.js';
