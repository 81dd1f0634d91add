// Detects whether Node's OpenSSL runs with a FIPS provider and says plainly what Coffer's FIPS
// endpoint does and does not guarantee.
//
//   providerActive = crypto.getFips() === 1   (node --enable-fips / --force-fips, or crypto.setFips(true),
//                                               with an OpenSSL FIPS provider configured in openssl.cnf)
//   mode off      -> no FIPS endpoint
//   mode endpoint -> FIPS endpoint restricted to approved suites; provider optional (reported)
//   mode strict   -> as endpoint, and start-up fails unless the provider is active
import { getFips } from 'node:crypto';
import { CofferError } from '../../shared/index.js';

/** Configured FIPS mode: no endpoint, a restricted endpoint, or a restricted endpoint that requires the provider. */
export type FipsMode = 'off' | 'endpoint' | 'strict';

export const FIPS_MODES: readonly FipsMode[] = Object.freeze(['off', 'endpoint', 'strict']);

/** What `coffer doctor` and the start-up log report about FIPS. */
export interface FipsStatus {
  readonly mode: FipsMode;
  /** True when Node's OpenSSL uses a FIPS provider for its crypto (crypto.getFips() === 1). */
  readonly providerActive: boolean;
  /** True when a FIPS endpoint restricted to approved suites is configured (mode endpoint or strict). */
  readonly endpointRestricted: boolean;
  /** Coffer is never itself a FIPS 140 validated module; only a validated OpenSSL FIPS provider is. */
  readonly moduleValidatedByCoffer: false;
  readonly opensslVersion: string;
  /** One plain sentence for logs and `coffer doctor`. */
  readonly summary: string;
}

const NOT_VALIDATED =
  "Coffer's FIPS endpoint restricts TLS and request crypto to FIPS-approved algorithms; it does not make Coffer or Node a FIPS 140 validated module.";

const HOW_TO_ENABLE =
  'Configure an OpenSSL 3 FIPS provider (openssl fipsinstall, and an openssl.cnf that activates the "fips" provider, e.g. via OPENSSL_CONF and OPENSSL_MODULES) and start Node with --enable-fips.';

/** Reports the FIPS provider state for `mode` (default "off"). `providerActive` may be injected by tests. */
export function fipsStatus(options: { mode?: FipsMode; providerActive?: boolean } = {}): FipsStatus {
  const mode = options.mode ?? 'off';
  const providerActive = options.providerActive ?? isProviderActive();
  const endpointRestricted = mode !== 'off';
  const provider = providerActive
    ? 'The OpenSSL FIPS provider is active (crypto.getFips() = 1).'
    : 'The OpenSSL FIPS provider is not active (crypto.getFips() = 0).';
  const endpoint = endpointRestricted
    ? `FIPS endpoint: ${mode}. ${NOT_VALIDATED}`
    : 'FIPS endpoint: off.';
  return Object.freeze({
    mode,
    providerActive,
    endpointRestricted,
    moduleValidatedByCoffer: false,
    opensslVersion: process.versions.openssl ?? 'unknown',
    summary: `${provider} ${endpoint}`,
  });
}

/**
 * For `fips: strict`: throws `tls.fips_provider_inactive` unless the OpenSSL FIPS provider is
 * active, with a message saying how to enable it.
 */
export function assertFipsProvider(options: { providerActive?: boolean } = {}): void {
  if (options.providerActive ?? isProviderActive()) return;
  throw new CofferError('tls.fips_provider_inactive', {
    message: `fips is "strict" but Node's OpenSSL FIPS provider is not active. ${HOW_TO_ENABLE} Or set fips to "endpoint" to serve the restricted endpoint without the provider. ${NOT_VALIDATED}`,
  });
}

function isProviderActive(): boolean {
  try {
    return getFips() === 1;
  } catch {
    return false;
  }
}

/**
 * The start-up check of the FIPS endpoint: in `strict` mode throws `tls.fips_provider_inactive`
 * unless the provider is active; otherwise returns the status, whose summary the caller logs
 * (it says plainly that the restricted endpoint is not a validated module).
 */
export function checkFipsAtStart(mode: FipsMode, options: { providerActive?: boolean } = {}): FipsStatus {
  if (mode === 'strict') assertFipsProvider(options);
  return fipsStatus({ mode, ...options });
}
