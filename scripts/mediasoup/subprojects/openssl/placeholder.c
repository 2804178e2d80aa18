/* Placeholder translation unit: the real library comes from Debian (see meson.build). */
int xcord_mediasoup_placeholder_openssl(void) { return 0; }
