/*
 * Per source address state: how many connections an address holds (so
 * one address cannot take every slot) and how it fared at logging in (so
 * a password guesser is throttled alone, auth.c).  An entry lives while
 * its address has a connection; after that it is kept only while it
 * still throttles, at most PEER_IDLE_MAX of them, the oldest evicted
 * first, so memory stays bounded whatever the number of addresses.
 */
#include <sys/socket.h>
#include <sys/tree.h>

#include <netinet/in.h>

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proc.h"
#include "web.h"

#define PEER_IDLE_MAX	1024

RB_HEAD(peertree, peer);
static struct peertree		peers = RB_INITIALIZER(&peers);
static TAILQ_HEAD(, peer)	idle = TAILQ_HEAD_INITIALIZER(idle);
static size_t			nidle, npeers;

static int
peer_cmp(struct peer *a, struct peer *b)
{
	return memcmp(&a->p_key, &b->p_key, sizeof(a->p_key));
}
RB_PROTOTYPE(peertree, peer, p_entry, peer_cmp);
RB_GENERATE(peertree, peer, p_entry, peer_cmp);

/* The address of ss as a key; IPv4-mapped IPv6 counts as IPv4. */
int
peer_key(const struct sockaddr_storage *ss, struct peerkey *k)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(k, 0, sizeof(*k));
	switch (ss->ss_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)ss;
		k->pk_family = AF_INET;
		memcpy(k->pk_addr, &sin->sin_addr, 4);
		return 0;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			k->pk_family = AF_INET;
			memcpy(k->pk_addr, &sin6->sin6_addr.s6_addr[12], 4);
		} else {
			k->pk_family = AF_INET6;
			memcpy(k->pk_addr, &sin6->sin6_addr, 16);
		}
		return 0;
	default:
		return -1;
	}
}

static void
peer_free(struct peer *p)
{
	if (p->p_idle) {
		TAILQ_REMOVE(&idle, p, p_idle_entry);
		nidle--;
	}
	RB_REMOVE(peertree, &peers, p);
	npeers--;
	free(p);
}

/* Whether an entry without connections still holds something. */
static int
peer_useful(struct peer *p, uint64_t now)
{
	return p->p_auth_tat > now;
}

struct peer *
peer_find(const struct peerkey *k)
{
	struct peer	key;

	key.p_key = *k;
	return RB_FIND(peertree, &peers, &key);
}

/* A new connection from k: its entry, or NULL when out of memory. */
struct peer *
peer_attach(const struct peerkey *k)
{
	struct peer	*p;

	if ((p = peer_find(k)) == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL) {
			log_warn("%s", __func__);
			return NULL;
		}
		p->p_key = *k;
		if (inet_ntop(k->pk_family, k->pk_addr, p->p_name,
		    sizeof(p->p_name)) == NULL)
			strlcpy(p->p_name, "?", sizeof(p->p_name));
		RB_INSERT(peertree, &peers, p);
		npeers++;
	} else if (p->p_idle) {
		TAILQ_REMOVE(&idle, p, p_idle_entry);
		nidle--;
		p->p_idle = 0;
	}
	p->p_conns++;
	return p;
}

/* A connection from p closed. */
void
peer_detach(struct peer *p)
{
	struct peer	*old;
	uint64_t	 now = proc_now_ms();

	if (p == NULL)
		return;
	if (p->p_conns == 0)
		fatalx("%s: %s has no connection", __func__, p->p_name);
	if (--p->p_conns > 0)
		return;
	if (!peer_useful(p, now)) {
		peer_free(p);
		return;
	}
	/* Drop what has expired at the old end, then the oldest if full. */
	while ((old = TAILQ_FIRST(&idle)) != NULL &&
	    (!peer_useful(old, now) || nidle >= PEER_IDLE_MAX))
		peer_free(old);
	p->p_idle = 1;
	TAILQ_INSERT_TAIL(&idle, p, p_idle_entry);
	nidle++;
}

/* How many connections one address may hold: the configured number,
 * but always under the global limit, so other addresses keep a share. */
size_t
peer_conn_max(void)
{
	size_t	cap = web->w_conn_max - web->w_conn_max / 4;

	if (cap < 1)
		cap = 1;
	return web->w_per_addr < cap ? web->w_per_addr : cap;
}

size_t
peer_count(void)
{
	return npeers;
}

void
peer_clear(void)
{
	struct peer	*p;

	while ((p = RB_MIN(peertree, &peers)) != NULL)
		peer_free(p);
}
