// @peculiar/x509 decorates its ASN.1 classes through tsyringe, which needs a Reflect metadata
// polyfill loaded first. ESM evaluates imports in order, so this module guarantees it; the rest
// of src/tls imports x509 only from here. WebCrypto is passed explicitly to every call instead of
// setting the library's global provider.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

import * as x509 from '@peculiar/x509';

export { x509 };

/** Node's WebCrypto, typed as the `Crypto` that @peculiar/x509 expects (tsconfig has no DOM lib). */
export const crypto = webcrypto as unknown as NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
