/*
 * Strict base64 decoding (RFC 4648: the standard alphabet, padding
 * required, nothing else): HTTP Basic credentials, WebSocket keys and a
 * camera's Wi-Fi scan answer all arrive so.
 */
#ifndef V720_BASE64_H
#define V720_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Decodes len characters of in into out (at most outsz bytes), the
 * count in *outlen; -1 on anything but base64 or too little room. */
int	b64_decode(const char *in, size_t len, uint8_t *out, size_t outsz,
	    size_t *outlen);

#endif
