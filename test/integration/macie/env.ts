/**
 * Server environment for the Macie tests: they exercise discovery, not MFA, so when the deployment
 * has an `mfa` setting it is set to optional (Macie administration otherwise needs an MFA session).
 */
import { SETTINGS } from '../../../src/config/index.js';

export function macieTestEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const mfa = SETTINGS.find((s) => s.path === 'mfa');
  return { ...(mfa ? { [mfa.env]: 'optional' } : {}), ...extra };
}
