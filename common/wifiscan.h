/*
 * A camera's Wi-Fi scan answer (code 211): scanWifiBase64 is base64 of a
 * list of networks whose exact format is unknown.  Decoded strictly and
 * bounded, then read as a JSON array (of strings, or of objects with an
 * "ssid"), or as SSIDs separated by newlines or commas.
 */
#ifndef V720_WIFISCAN_H
#define V720_WIFISCAN_H

#include <stddef.h>

#define WIFISCAN_MAX		16	/* networks kept */
#define WIFISCAN_SSID_MAX	33	/* 32 bytes + NUL */
#define WIFISCAN_B64_MAX	2048	/* longer input is refused */

/* 0 and *n networks in out, or -1 (nothing written to *n) if hostile. */
int	wifiscan_decode(const char *b64, size_t len,
	    char out[][WIFISCAN_SSID_MAX], size_t max, size_t *n);

#endif
