/*
 * Camera connections by source address.  One address may hold at most
 * "camera connections per address" registered cameras (camera.c checks
 * at registration), and when the engine runs short of descriptors a
 * connection from an address that has none is let in at the expense of
 * the address that holds the most: one address, or a few, cannot lock
 * the cameras of the others out.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "camconn.h"

RB_HEAD(camhost_tree, camhost);

static int	camhost_cmp(struct camhost *, struct camhost *);
RB_PROTOTYPE(camhost_tree, camhost, h_entry, camhost_cmp);
RB_GENERATE(camhost_tree, camhost, h_entry, camhost_cmp);

static struct camhost_tree	hosts = RB_INITIALIZER(&hosts);
static size_t			nhosts;

static int
camhost_cmp(struct camhost *a, struct camhost *b)
{
	const struct sockaddr_storage	*x = &a->h_ss, *y = &b->h_ss;

	if (x->ss_family != y->ss_family)
		return x->ss_family < y->ss_family ? -1 : 1;
	if (x->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)x)->sin_addr,
		    &((const struct sockaddr_in *)y)->sin_addr,
		    sizeof(struct in_addr));
	if (x->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)x)->sin6_addr,
		    &((const struct sockaddr_in6 *)y)->sin6_addr,
		    sizeof(struct in6_addr));
	return 0;
}

/* The address alone: family and address bytes (a v4-mapped v6 address
 * as the v4 one), nothing else. */
static void
camhost_key(struct camhost *key, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	memset(&key->h_ss, 0, sizeof(key->h_ss));
	key->h_ss.ss_family = ss->ss_family;
	if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		key->h_ss.ss_family = AF_INET;
		memcpy(&((struct sockaddr_in *)&key->h_ss)->sin_addr,
		    &sin6->sin6_addr.s6_addr[12], sizeof(struct in_addr));
	} else if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)&key->h_ss)->sin_addr =
		    ((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)&key->h_ss)->sin6_addr =
		    ((const struct sockaddr_in6 *)ss)->sin6_addr;
}

struct camhost *
camhost_find(const struct sockaddr_storage *ss)
{
	struct camhost	key;

	camhost_key(&key, ss);
	return RB_FIND(camhost_tree, &hosts, &key);
}

int
camhost_add(struct camconn *c)
{
	struct camhost	*h;

	if ((h = camhost_find(&c->cc_ss)) == NULL) {
		if ((h = calloc(1, sizeof(*h))) == NULL)
			return -1;
		camhost_key(h, &c->cc_ss);
		TAILQ_INIT(&h->h_conns);
		RB_INSERT(camhost_tree, &hosts, h);
		nhosts++;
	}
	TAILQ_INSERT_TAIL(&h->h_conns, c, cc_host_entry);
	h->h_nconns++;
	c->cc_host = h;
	return 0;
}

void
camhost_count(struct camconn *c, int registered)
{
	struct camhost	*h = c->cc_host;

	if (h == NULL || c->cc_counted == registered)
		return;
	c->cc_counted = registered;
	if (registered)
		h->h_registered++;
	else
		h->h_registered--;
}

void
camhost_del(struct camconn *c)
{
	struct camhost	*h = c->cc_host;

	if (h == NULL)
		return;
	camhost_count(c, 0);
	TAILQ_REMOVE(&h->h_conns, c, cc_host_entry);
	h->h_nconns--;
	c->cc_host = NULL;
	if (h->h_nconns == 0) {
		RB_REMOVE(camhost_tree, &hosts, h);
		nhosts--;
		free(h);
	}
}

/*
 * The connection to close for a newcomer address: the newest one of the
 * address holding the most connections, if that is more than one.  Only
 * run at the descriptor limit; there are at most as many addresses as
 * connections, a few thousand.
 */
struct camconn *
camhost_victim(void)
{
	struct camhost	*h, *max = NULL;

	RB_FOREACH(h, camhost_tree, &hosts)
		if (max == NULL || h->h_nconns > max->h_nconns)
			max = h;
	if (max == NULL || max->h_nconns < 2)
		return NULL;
	return TAILQ_LAST(&max->h_conns, camconn_list);
}

/* Same address (port aside): for per-host connection limits. */
int
same_host(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr,
		    sizeof(struct in_addr)) == 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr,
		    sizeof(struct in6_addr)) == 0;
	return 0;
}
