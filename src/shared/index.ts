/** Domain error carrying a dotted code that the protocol edge maps to a wire error. */
export { CofferError, isCofferError } from './errors.js';
/** Injectable time source. */
export { type Clock, systemClock } from './clock.js';
