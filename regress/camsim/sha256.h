/* A self-contained SHA-256 (FIPS 180-4) for camsim's frame log. */
#ifndef CAMSIM_SHA256_H
#define CAMSIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32

struct sha256 {
	uint32_t	h[8];
	uint64_t	total;
	uint8_t		buf[64];
	size_t		nbuf;
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, uint8_t out[SHA256_LEN]);
/* One-shot digest as 64 lowercase hex digits plus NUL. */
void	sha256_hex(const void *, size_t, char out[2 * SHA256_LEN + 1]);

#endif
