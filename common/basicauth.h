/*
 * HTTP Basic credentials (RFC 7617, also RTSP's) against crypt(3)
 * hashes, shared by v720-web and v720-rtsp: the check with a cache of
 * credentials that passed, and the password-guessing throttle.
 */
#ifndef V720_BASICAUTH_H
#define V720_BASICAUTH_H

#include <stddef.h>
#include <stdint.h>

#define BASICAUTH_MAX	512	/* an Authorization value, NUL included */

/* The crypt(3) hash of user, or NULL if there is no such user. */
typedef const char *basicauth_hash_fn(void *arg, const char *user);

/*
 * 1 if hdr ("Basic base64(user:password)") names a user whose hash the
 * password matches, else 0.  An unknown user costs a crypt against
 * decoy, like a wrong password.  Credentials that passed are remembered
 * for a few minutes (crypt is slow) until basicauth_reset (reload).
 */
int		 basicauth_check(const char *hdr, basicauth_hash_fn *, void *,
		    const char *decoy);
void		 basicauth_reset(void);
/* Equal strings, in time that depends only on their lengths. */
int		 basicauth_eq(const char *, const char *);

/*
 * Guessing passwords: each source address keeps tat (ms), may fail
 * BURST times in a row, then once every INTERVAL ms.  Addresses that
 * failed lately also share a global budget.  basicauth_throttled: ms
 * until the address may try again, 0 if it may now (a throttled address
 * is answered without any check, not even the cache).
 */
uint64_t	 basicauth_throttled(uint64_t tat, uint64_t now);
void		 basicauth_failed(uint64_t *tat, uint64_t now);

#endif
