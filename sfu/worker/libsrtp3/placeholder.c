/* Placeholder object: the real library is the Debian system one. */
int ablak_libsrtp3_placeholder(void) { return 0; }
