/*
 * HTTP Basic authentication against `web user` crypt(3) hashes, for
 * v720-web and v720-rtsp.  A hash like bcrypt costs tens of milliseconds
 * in these single-threaded processes, so credentials that passed are
 * remembered for a few minutes (until the next reload) and compared in
 * constant time; failures are never remembered.
 */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "basicauth.h"
#include "proc.h"

#define AUTH_CACHE	16
#define AUTH_CACHE_MS	(5 * 60 * 1000)
#define AUTH_BURST	10	/* failed logins in a row, per address */
#define AUTH_INTERVAL_MS 2000	/* then one every so often */
#define AUTH_SUSPECT_BURST 20	/* checks for all addresses that failed */
#define AUTH_SUSPECT_MS	200	/* then one every so often */

static struct {
	char		ac_hdr[BASICAUTH_MAX];
	uint64_t	ac_expire;
} cache[AUTH_CACHE];

static struct crypt_data	cdata;
static uint64_t			suspect_tat;

int
basicauth_eq(const char *a, const char *b)
{
	size_t			la = strlen(a), lb = strlen(b), i;
	volatile unsigned char	d = 0;

	if (la != lb)
		return 0;
	for (i = 0; i < la; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return d == 0;
}

void
basicauth_reset(void)
{
	explicit_bzero(cache, sizeof(cache));
}

static int
cache_hit(const char *hdr)
{
	uint64_t	now = proc_now_ms();
	int		i, hit = 0;

	for (i = 0; i < AUTH_CACHE; i++)
		if (cache[i].ac_expire > now && basicauth_eq(cache[i].ac_hdr,
		    hdr))
			hit = 1;
	return hit;
}

static void
cache_add(const char *hdr)
{
	int	i, old = 0;

	for (i = 1; i < AUTH_CACHE; i++)
		if (cache[i].ac_expire < cache[old].ac_expire)
			old = i;
	strlcpy(cache[old].ac_hdr, hdr, sizeof(cache[old].ac_hdr));
	cache[old].ac_expire = proc_now_ms() + AUTH_CACHE_MS;
}

static int
verify(const char *hdr, basicauth_hash_fn *hash_of, void *arg,
    const char *decoy)
{
	uint8_t		 raw[BASICAUTH_MAX];
	const char	*tok, *hash = NULL;
	char		*pass, *res;
	size_t		 n;
	int		 ok = 0;

	if (strncasecmp(hdr, "Basic ", 6) != 0)
		return 0;
	for (tok = hdr + 6; *tok == ' '; tok++)
		;
	if (b64_decode(tok, strlen(tok), raw, sizeof(raw) - 1, &n) == -1 ||
	    n == 0)
		return 0;
	raw[n] = '\0';
	if (memchr(raw, '\0', n) != NULL ||
	    (pass = strchr((char *)raw, ':')) == NULL)
		goto done;
	*pass++ = '\0';
	hash = hash_of(arg, (char *)raw);
	/* Unknown users cost the same as wrong passwords. */
	res = crypt_r(pass, hash ? hash : decoy, &cdata);
	if (hash != NULL && res != NULL && res[0] != '*' &&
	    basicauth_eq(res, hash))
		ok = 1;
done:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(&cdata, sizeof(cdata));
	return ok;
}

int
basicauth_check(const char *hdr, basicauth_hash_fn *hash_of, void *arg,
    const char *decoy)
{
	if (strlen(hdr) >= BASICAUTH_MAX)
		return 0;
	if (cache_hit(hdr))
		return 1;
	if (!verify(hdr, hash_of, arg, decoy))
		return 0;
	cache_add(hdr);
	return 1;
}

/*
 * A generic cell rate algorithm: tat is when an address's failures are
 * all "paid".  A throttled address is answered before anything is
 * checked, so it cannot guess through the cache either; other addresses
 * are not affected.  Suspects (addresses that failed lately) also share
 * AUTH_SUSPECT_MS a check, so that many guessing addresses together
 * cannot keep the process busy in crypt; an address without failures
 * never waits for it.
 */
uint64_t
basicauth_throttled(uint64_t tat, uint64_t now)
{
	uint64_t	allow = now + (AUTH_BURST - 1) * AUTH_INTERVAL_MS;

	if (tat > allow)
		return tat - allow;
	if (tat > now && suspect_tat > now +
	    (AUTH_SUSPECT_BURST - 1) * AUTH_SUSPECT_MS)
		return suspect_tat - now - (AUTH_SUSPECT_BURST - 1) *
		    AUTH_SUSPECT_MS;
	return 0;
}

void
basicauth_failed(uint64_t *tat, uint64_t now)
{
	if (*tat > now)
		suspect_tat = (suspect_tat > now ? suspect_tat : now) +
		    AUTH_SUSPECT_MS;
	*tat = (*tat > now ? *tat : now) + AUTH_INTERVAL_MS;
}
