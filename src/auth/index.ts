/** Request authentication. SigV4 is the only scheme; it takes a findSecret function instead of importing IAM. */
export * from './sigv4/index.js';
