/* Placeholder translation unit: the real library comes from Debian (see meson.build). */
int xcord_mediasoup_placeholder_abseil_cpp(void) { return 0; }
