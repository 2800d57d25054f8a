/*
 * HTTP Basic authentication against the configured `web user` entries
 * (crypt(3) hashes): the check, its cache and the password-guessing
 * throttle are common/basicauth.c, shared with v720-rtsp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basicauth.h"
#include "log.h"
#include "proc.h"
#include "web.h"

/* The hash of user, or NULL. */
static const char *
hash_of(void *arg, const char *user)
{
	size_t	i;

	for (i = 0; i < web->w_nusers; i++)
		if (strcmp(web->w_users[i].wu_name, user) == 0)
			return web->w_users[i].wu_hash;
	return NULL;
}

int
auth_timingsafe_eq(const char *a, const char *b)
{
	return basicauth_eq(a, b);
}

void
auth_reset(void)
{
	basicauth_reset();
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
	if (hdr[0] != '\0' && c->c_src != NULL &&
	    (wait = basicauth_throttled(c->c_src->p_auth_tat, now)) > 0) {
		web->w_auth_throttled++;
		(void)snprintf(retry, sizeof(retry), "Retry-After: %llu\r\n",
		    (unsigned long long)(wait + 999) / 1000);
		reply(c, 429, "application/json", too_many, strlen(too_many),
		    retry);
		return 0;
	}
	if (hdr[0] != '\0' && basicauth_check(hdr, hash_of, NULL,
	    web->w_users[0].wu_hash))
		return 1;
	web->w_auth_fail++;
	if (hdr[0] != '\0') {
		if (c->c_src != NULL)
			basicauth_failed(&c->c_src->p_auth_tat, now);
		log_info("%s: authentication failed", c->c_peer);
	}
	reply_error(c, 401, "authentication required");
	return 0;
}
