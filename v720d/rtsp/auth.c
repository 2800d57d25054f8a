/*
 * RTSP authentication: with any `web user` configured, every request
 * but OPTIONS needs HTTP Basic credentials (RFC 2617 as RTSP uses it)
 * that match a crypt(3) hash; otherwise 401 with
 * `WWW-Authenticate: Basic realm="v720d"`.
 *
 * Digest (RFC 2069/2617) is not offered: it needs either the plaintext
 * password or H(A1) = MD5(user:realm:password) on the server, and the
 * configuration holds only one-way crypt(3) hashes of the passwords.
 * Use RTSP on a trusted LAN, or through a VPN or TLS tunnel.
 *
 * As in v720-web: good credentials are remembered for a few minutes
 * (crypt costs tens of milliseconds in this single-threaded process),
 * each source address may fail AUTH_BURST times and then once every
 * AUTH_INTERVAL_MS (a throttled address gets 429 without any crypt),
 * and addresses that failed lately share a global crypt budget.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basicauth.h"
#include "log.h"
#include "rtspd.h"

/* The hash of user, or NULL. */
static const char *
hash_of(void *arg, const char *user)
{
	size_t	i;

	for (i = 0; i < sv->sv_nusers; i++)
		if (strcmp(sv->sv_users[i].ru_name, user) == 0)
			return sv->sv_users[i].ru_hash;
	return NULL;
}

void
auth_reset(void)
{
	basicauth_reset();
}

int
auth_check(struct conn *c, const struct rtsp_req *r)
{
	char		hdr[128];
	uint64_t	now = now_ms(), wait;

	if (sv->sv_nusers == 0)
		return 1;
	if (r->auth[0] != '\0' &&
	    (wait = basicauth_throttled(c->c_addr->a_auth_tat, now)) > 0) {
		sv->sv_auth_throttled++;
		(void)snprintf(hdr, sizeof(hdr), "Retry-After: %llu\r\n",
		    (unsigned long long)(wait + 999) / 1000);
		conn_reply(c, r, 429, NULL, hdr, NULL, NULL, 0);
		return 0;
	}
	if (r->auth[0] != '\0' && basicauth_check(r->auth, hash_of, NULL,
	    sv->sv_users[0].ru_hash))
		return 1;
	sv->sv_auth_fail++;
	if (r->auth[0] != '\0') {
		basicauth_failed(&c->c_addr->a_auth_tat, now);
		log_info("%s: authentication failed", c->c_name);
	}
	conn_reply(c, r, 401, NULL,
	    "WWW-Authenticate: Basic realm=\"v720d\"\r\n", NULL, NULL, 0);
	return 0;
}
