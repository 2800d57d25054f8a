/*
 * HTTP Basic authentication against the configured `web user` entries
 * (crypt(3) hashes).  A hash like bcrypt costs tens of milliseconds in
 * this single-threaded process, so credentials that passed are
 * remembered for a few minutes (until the next reload) and compared in
 * constant time; failures are never remembered.
 */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "proc.h"
#include "web.h"

#define AUTH_CACHE	16
#define AUTH_CACHE_MS	(5 * 60 * 1000)
#define AUTH_RATE	10	/* failed attempts a second, at most */

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
 * Guessing passwords must not stall the process: after AUTH_RATE failed
 * attempts in a second, new credentials wait for the next second (429).
 * Credentials that passed before are not affected.
 */
static uint64_t	fail_start;
static int	fail_n;

static int
rate_ok(void)
{
	if (proc_now_ms() - fail_start >= 1000) {
		fail_start = proc_now_ms();
		fail_n = 0;
	}
	return fail_n < AUTH_RATE;
}

/* 1 if the request may go on; 0 after answering 401 (or 429). */
int
auth_check(struct conn *c)
{
	static const char too_many[] =
	    "{\"error\":\"too many authentication attempts\"}";
	const char	*hdr = c->c_req.auth;

	if (web->w_nusers == 0)
		return 1;
	if (hdr[0] != '\0' && cache_hit(hdr))
		return 1;
	if (hdr[0] != '\0' && !rate_ok()) {
		web->w_auth_fail++;
		reply(c, 429, "application/json", too_many, strlen(too_many),
		    "Retry-After: 1\r\n");
		return 0;
	}
	if (hdr[0] != '\0' && verify(hdr)) {
		cache_add(hdr);
		return 1;
	}
	web->w_auth_fail++;
	if (hdr[0] != '\0') {
		fail_n++;
		log_info("%s: authentication failed", c->c_peer);
	}
	reply_error(c, 401, "authentication required");
	return 0;
}
