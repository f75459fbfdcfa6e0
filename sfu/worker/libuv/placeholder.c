/* Placeholder object: the real library is the Debian system one. */
int ablak_libuv_placeholder(void) { return 0; }
