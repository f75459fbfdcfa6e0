/** Bumped on every incompatible change of the wire contract; checked at every Socket.IO handshake. */
export const PROTOCOL_VERSION = 1;
