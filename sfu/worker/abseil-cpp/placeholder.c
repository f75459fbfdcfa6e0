/* Placeholder object: the real library is the Debian system one. */
int ablak_abseil_cpp_placeholder(void) { return 0; }
