/*
 * HTTP Basic authentication against the configured `web user` entries
 * (crypt(3) hashes).  A hash like bcrypt costs tens of milliseconds in
 * this single-threaded process, so credentials that passed are
 * remembered for a few minutes (until the next reload) and compared in
 * constant time; failures are never remembered.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "proc.h"
#include "web.h"

#define AUTH_CACHE	16
#define AUTH_CACHE_MS	(5 * 60 * 1000)
#define AUTH_BURST	10	/* failed logins in a row, per address */
#define AUTH_INTERVAL_MS 2000	/* then one every so often */
#define AUTH_SUSPECT_BURST 20	/* checks for all addresses that failed */
#define AUTH_SUSPECT_MS	200	/* then one every so often */

static struct {
	char		ac_hdr[HTTP_AUTH_MAX];
	uint64_t	ac_expire;
} cache[AUTH_CACHE];

static struct crypt_data	cdata;

/* Equal strings, in time that depends only on their lengths. */
int
auth_timingsafe_eq(const char *a, const char *b)
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
auth_reset(void)
{
	explicit_bzero(cache, sizeof(cache));
}

static int
cache_hit(const char *hdr)
{
	uint64_t	now = proc_now_ms();
	int		i, hit = 0;

	for (i = 0; i < AUTH_CACHE; i++)
		if (cache[i].ac_expire > now &&
		    auth_timingsafe_eq(cache[i].ac_hdr, hdr))
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
verify(const char *hdr)
{
	uint8_t		 raw[HTTP_AUTH_MAX];
	const char	*tok, *hash = NULL;
	char		*pass, *res;
	size_t		 i;
	int		 n, ok = 0;

	if (strncasecmp(hdr, "Basic ", 6) != 0)
		return 0;
	for (tok = hdr + 6; *tok == ' '; tok++)
		;
	if ((n = http_b64_decode(tok, raw, sizeof(raw) - 1)) <= 0)
		return 0;
	raw[n] = '\0';
	if (memchr(raw, '\0', n) != NULL ||
	    (pass = strchr((char *)raw, ':')) == NULL)
		goto done;
	*pass++ = '\0';
	for (i = 0; i < web->w_nusers; i++)
		if (strcmp(web->w_users[i].wu_name, (char *)raw) == 0) {
			hash = web->w_users[i].wu_hash;
			break;
		}
	/* Unknown users cost the same as wrong passwords. */
	res = crypt_r(pass, hash ? hash : web->w_users[0].wu_hash, &cdata);
	if (hash != NULL && res != NULL && res[0] != '*' &&
	    auth_timingsafe_eq(res, hash))
		ok = 1;
done:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(&cdata, sizeof(cdata));
	return ok;
}

/*
 * Guessing passwords.  Each source address may fail AUTH_BURST times in
 * a row, then once every AUTH_INTERVAL_MS (a generic cell rate
 * algorithm: p_auth_tat is when its failures are all "paid").  A
 * throttled address gets 429 before anything is checked: no crypt, and
 * not even the cache of good credentials, which would otherwise let it
 * guess at full speed.  Other addresses are not affected.  Addresses
 * that failed lately (suspects) also share a global budget of
 * AUTH_SUSPECT_MS a check, so that many guessing addresses together
 * cannot keep this process busy in crypt; an address without failures
 * never waits for it.
 */
static uint64_t	suspect_tat;

/* ms until p may try again; 0 if it may now. */
static uint64_t
throttled(const struct peer *p, uint64_t now)
{
	uint64_t	allow = now + (AUTH_BURST - 1) * AUTH_INTERVAL_MS;

	if (p != NULL && p->p_auth_tat > allow)
		return p->p_auth_tat - allow;
	if (p != NULL && p->p_auth_tat > now && suspect_tat > now +
	    (AUTH_SUSPECT_BURST - 1) * AUTH_SUSPECT_MS)
		return suspect_tat - now - (AUTH_SUSPECT_BURST - 1) *
		    AUTH_SUSPECT_MS;
	return 0;
}

static void
failed(struct peer *p, uint64_t now)
{
	if (p == NULL)
		return;
	if (p->p_auth_tat > now)
		suspect_tat = (suspect_tat > now ? suspect_tat : now) +
		    AUTH_SUSPECT_MS;
	p->p_auth_tat = (p->p_auth_tat > now ? p->p_auth_tat : now) +
	    AUTH_INTERVAL_MS;
}

/* 1 if the request may go on; 0 after answering 401 (or 429). */
int
auth_check(struct conn *c)
{
	static const char too_many[] =
	    "{\"error\":\"too many authentication attempts\"}";
	const char	*hdr = c->c_req.auth;
	char		 retry[64];
	uint64_t	 now = proc_now_ms(), wait;

	if (web->w_nusers == 0)
		return 1;
	if (hdr[0] != '\0' && (wait = throttled(c->c_src, now)) > 0) {
		web->w_auth_throttled++;
		(void)snprintf(retry, sizeof(retry), "Retry-After: %llu\r\n",
		    (unsigned long long)(wait + 999) / 1000);
		reply(c, 429, "application/json", too_many, strlen(too_many),
		    retry);
		return 0;
	}
	if (hdr[0] != '\0' && cache_hit(hdr))
		return 1;
	if (hdr[0] != '\0' && verify(hdr)) {
		cache_add(hdr);
		return 1;
	}
	web->w_auth_fail++;
	if (hdr[0] != '\0') {
		failed(c->c_src, now);
		log_info("%s: authentication failed", c->c_peer);
	}
	reply_error(c, 401, "authentication required");
	return 0;
}
