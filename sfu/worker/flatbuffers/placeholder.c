/* Placeholder object: the real library is the Debian system one. */
int ablak_flatbuffers_placeholder(void) { return 0; }
