import type { CofferConfig } from './load-config.js';

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/**
 * The names the server certificate must carry for this configuration: `serverNames`, the
 * `baseDomain` and its `*.baseDomain` wildcard (virtual-hosted buckets), and the listen host
 * unless it is an unspecified address, and, when the FIPS endpoint is on, `fips.serverNames` and
 * its listen host (one certificate serves both listeners). Loopback names are added by the TLS
 * layer itself.
 */
export function serverCertificateNames(config: Pick<CofferConfig, 'serverNames' | 'baseDomain' | 'listen'> & { fips?: Pick<CofferConfig['fips'], 'mode' | 'listen' | 'serverNames'> }): string[] {
  const names = [...config.serverNames];
  if (config.baseDomain !== undefined) names.push(config.baseDomain, `*.${config.baseDomain}`);
  if (!UNSPECIFIED.has(config.listen.host)) names.push(config.listen.host);
  if (config.fips !== undefined && config.fips.mode !== 'off') {
    names.push(...config.fips.serverNames);
    if (!UNSPECIFIED.has(config.fips.listen.host)) names.push(config.fips.listen.host);
  }
  return [...new Set(names.map((n) => n.toLowerCase()))];
}
