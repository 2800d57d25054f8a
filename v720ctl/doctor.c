/*
 * v720ctl doctor: why a camera does not show up.  Runs as the user,
 * outside any chroot, so it sees what the cameras' side sees of this
 * host: the vendor names through the system resolver (compared with this
 * host's addresses, getifaddrs), the sockets bound (/proc/net), who
 * answers on port 80, and the engine's per-source progress.  One line per
 * check, "ok" or "FAIL" with what to do; exit 1 if any failed.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "diaginfo.h"
#include "msg.h"
#include "proc.h"
#include "v720ctl.h"

#define DOC_TIMEOUT_MS		5000	/* control socket answer */
#define DOC_HTTP_MS		3000	/* the port 80 probe */
#define DOC_MAX_LOCAL		64	/* this host's addresses */
#define DOC_UDP_STALE_S		15	/* stuck at "udp" this long: FAIL */
#define DOC_PROBE_PATH		"/app/api/v720d-doctor"

/* PROTOCOL.md: the names a camera looks up, depending on firmware. */
static const char *const vendor_names[] = {
	"v720.naxclow.com",
	"v720.p2p.naxclow.com",
	"p2p.v720.naxclow.com",
	"dl2.naxclow.com",
	"home.naxclow.com",
};

struct doctor {
	int			 checks, fails;
	struct sockaddr_storage	 local[DOC_MAX_LOCAL];
	size_t			 nlocal;
	char			 lan[INET6_ADDRSTRLEN];	/* for the advice */
	char			 cam_target[INET6_ADDRSTRLEN]; /* port 80 probe */
	int			 engine;	/* answered */
	struct diag_server	 dv;
	struct diag_listener	 ls[DIAG_LISTENERS_MAX];
	size_t			 nls;
	struct diag_source	 ss[DIAG_SOURCES_MAX];
	size_t			 nss;
};

static void __attribute__((format(printf, 3, 4)))
check(struct doctor *d, int ok, const char *fmt, ...)
{
	va_list	ap;

	d->checks++;
	if (!ok)
		d->fails++;
	printf("%-4s ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int
addr_text(const struct sockaddr *sa, char *out, size_t sz)
{
	socklen_t	len = sa->sa_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in);

	return getnameinfo(sa, len, out, sz, NULL, 0, NI_NUMERICHOST) == 0 ?
	    0 : -1;
}

static int
is_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in6	*s6 = (const void *)sa;

	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127;
	return sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
}

static int
same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr,
	    sizeof(struct in6_addr)) == 0;
}

static int
is_local(struct doctor *d, const struct sockaddr *sa)
{
	size_t	i;

	for (i = 0; i < d->nlocal; i++)
		if (same_addr((struct sockaddr *)&d->local[i], sa))
			return 1;
	return 0;
}

/* This host's addresses; the first non-loopback IPv4 one for advice. */
static void
local_addrs(struct doctor *d)
{
	struct ifaddrs	*ifa, *i;

	strlcpy(d->lan, "THIS-HOST-ADDRESS", sizeof(d->lan));
	if (getifaddrs(&ifa) == -1) {
		check(d, 0, "addresses: getifaddrs: %s", strerror(errno));
		return;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || (i->ifa_addr->sa_family != AF_INET &&
		    i->ifa_addr->sa_family != AF_INET6) ||
		    d->nlocal == DOC_MAX_LOCAL)
			continue;
		memcpy(&d->local[d->nlocal], i->ifa_addr,
		    i->ifa_addr->sa_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
		if (i->ifa_addr->sa_family == AF_INET &&
		    !is_loopback(i->ifa_addr) &&
		    strcmp(d->lan, "THIS-HOST-ADDRESS") == 0)
			addr_text(i->ifa_addr, d->lan, sizeof(d->lan));
		d->nlocal++;
	}
	freeifaddrs(ifa);
}

/* Each vendor name through the system resolver: here or not. */
static void
check_dns(struct doctor *d)
{
	struct addrinfo	 hints, *res, *ai;
	char		 list[256], a[INET6_ADDRSTRLEN], bad[INET6_ADDRSTRLEN];
	size_t		 i;
	int		 e, nlocal, nloop, nother;

	for (i = 0; i < sizeof(vendor_names) / sizeof(vendor_names[0]); i++) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		if ((e = getaddrinfo(vendor_names[i], NULL, &hints, &res)) !=
		    0) {
			check(d, 0, "dns %s: does not resolve (%s): add the "
			    "DNS override (dnsmasq: address=/naxclow.com/%s; "
			    "hosts file: %s %s)", vendor_names[i],
			    gai_strerror(e), d->lan, d->lan, vendor_names[i]);
			continue;
		}
		list[0] = bad[0] = '\0';
		nlocal = nloop = nother = 0;
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if (addr_text(ai->ai_addr, a, sizeof(a)) == -1 ||
			    strstr(list, a) != NULL)
				continue;
			if (list[0] != '\0')
				strlcat(list, " ", sizeof(list));
			strlcat(list, a, sizeof(list));
			if (is_loopback(ai->ai_addr)) {
				nloop++;
				strlcpy(bad, a, sizeof(bad));
			} else if (is_local(d, ai->ai_addr)) {
				nlocal++;
				if (d->cam_target[0] == '\0')
					strlcpy(d->cam_target, a,
					    sizeof(d->cam_target));
			} else {
				nother++;
				strlcpy(bad, a, sizeof(bad));
			}
		}
		freeaddrinfo(res);
		if (nlocal > 0 && nloop == 0 && nother == 0)
			check(d, 1, "dns %s: %s (this host)", vendor_names[i],
			    list);
		else if (nother > 0)
			check(d, 0, "dns %s: %s: %s is not an address of this "
			    "host: the DNS override is missing or points "
			    "elsewhere (dnsmasq: address=/naxclow.com/%s)",
			    vendor_names[i], list, bad, d->lan);
		else
			check(d, 0, "dns %s: %s: %s is a loopback address, "
			    "which a camera cannot reach: point the name at "
			    "%s", vendor_names[i], list, bad, d->lan);
	}
}

static int
engine_connect(struct doctor *d, const char *path, struct chan *c)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		check(d, 0, "v720d: control socket path %s too long", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		check(d, 0, "v720d: cannot reach %s (%s): %s", path,
		    strerror(errno), errno == EACCES || errno == EPERM ?
		    "run as root or as a member of the socket's group" :
		    "start it (systemctl start v720d) and see its log");
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (chan_init(c, fd) == -1) {
		close(fd);
		check(d, 0, "v720d: out of memory");
		return -1;
	}
	return 0;
}

/* IMSG_CTL_DIAG: listeners and sources until END.  0, or -1. */
static int
engine_ask(struct doctor *d, const char *path)
{
	struct chan		 c;
	struct chan_msg		 m;
	struct pollfd		 pfd;
	uint64_t		 deadline;
	const char		*why = NULL;
	int			 rv, done = 0;
	ssize_t			 n;

	memset(&c, 0, sizeof(c));
	if (engine_connect(d, path, &c) == -1)
		return -1;
	if (chan_compose(&c, IMSG_CTL_DIAG, 0, -1, NULL, 0) == -1 ||
	    chan_flush_all(&c) == -1) {
		why = strerror(errno);
		goto fail;
	}
	deadline = proc_now_ms() + DOC_TIMEOUT_MS;
	while (!done) {
		while (!done && (rv = chan_get(&c, &m)) == 1) {
			if (m.fd != -1)
				close(m.fd);
			switch (m.hdr.ch_type) {
			case IMSG_CTL_DIAG_SERVER:
				if (m.len != sizeof(d->dv))
					goto bad;
				memcpy(&d->dv, m.data, m.len);
				if (chan_strfield(d->dv.dv_server_addr,
				    sizeof(d->dv.dv_server_addr)))
					goto bad;
				break;
			case IMSG_CTL_DIAG_LISTENER:
				if (m.len != sizeof(d->ls[0]) ||
				    d->nls == DIAG_LISTENERS_MAX)
					goto bad;
				memcpy(&d->ls[d->nls], m.data, m.len);
				if (diaginfo_check_listener(&d->ls[d->nls]))
					goto bad;
				d->nls++;
				break;
			case IMSG_CTL_DIAG_SOURCE:
				if (m.len != sizeof(d->ss[0]) ||
				    d->nss == DIAG_SOURCES_MAX)
					goto bad;
				memcpy(&d->ss[d->nss], m.data, m.len);
				if (diaginfo_check_source(&d->ss[d->nss]))
					goto bad;
				d->nss++;
				break;
			case IMSG_CTL_END:
				done = 1;
				break;
			default:
				goto bad;
			}
		}
		if (done)
			break;
		if (rv == -1)
			goto bad;
		if (proc_now_ms() >= deadline) {
			why = "no answer in time";
			goto fail;
		}
		pfd.fd = c.fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(deadline - proc_now_ms())) == -1 &&
		    errno != EINTR) {
			why = strerror(errno);
			goto fail;
		}
		if ((n = chan_read(&c)) == 0) {
			why = "closed the connection (an older v720d?)";
			goto fail;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			why = strerror(errno);
			goto fail;
		}
	}
	chan_clear(&c);
	d->engine = 1;
	check(d, 1, "v720d: running, control socket %s", path);
	return 0;
bad:
	why = "malformed answer";
fail:
	chan_clear(&c);
	check(d, 0, "v720d: %s: %s: restart v720d (systemctl restart v720d)",
	    path, why);
	return -1;
}

/*
 * Is (addr, port) bound on this host, as kind?  /proc/net/{tcp,udp}{,6}
 * list every socket of this network namespace to any user: a TCP
 * listener is state 0A, a bound UDP socket state 07.
 */
static int
proc_bound(int udp, const char *addr, unsigned port)
{
	static const char *const tfiles[] = { "/proc/net/tcp",
	    "/proc/net/tcp6" };
	static const char *const ufiles[] = { "/proc/net/udp",
	    "/proc/net/udp6" };
	const char *const	*files = udp ? ufiles : tfiles;
	struct in_addr		 want4, got4;
	struct in6_addr		 want6, got6;
	uint32_t		 w[4];
	char			 line[512], hex[40];
	unsigned		 p, st;
	int			 fam = 0, wild = 1, i, found = 0;
	FILE			*fp;

	if (inet_pton(AF_INET, addr, &want4) == 1) {
		fam = AF_INET;
		wild = want4.s_addr == INADDR_ANY;
	} else if (inet_pton(AF_INET6, addr, &want6) == 1) {
		fam = AF_INET6;
		wild = IN6_IS_ADDR_UNSPECIFIED(&want6);
	}
	for (i = 0; i < 2 && !found; i++) {
		if ((fp = fopen(files[i], "r")) == NULL)
			continue;
		while (!found && fgets(line, sizeof(line), fp) != NULL) {
			if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %*x:%*x %x",
			    hex, &p, &st) != 3 || p != port ||
			    st != (udp ? 0x07 : 0x0a))
				continue;
			if (wild || fam == 0) {
				found = 1;
				break;
			}
			/* The kernel prints the raw words in host order. */
			if (strlen(hex) == 8 && fam == AF_INET &&
			    sscanf(hex, "%8x", &w[0]) == 1) {
				memcpy(&got4, &w[0], sizeof(got4));
				found = got4.s_addr == want4.s_addr ||
				    got4.s_addr == INADDR_ANY;
			} else if (strlen(hex) == 32 && sscanf(hex,
			    "%8x%8x%8x%8x", &w[0], &w[1], &w[2], &w[3]) == 4) {
				memcpy(&got6, w, sizeof(got6));
				found = IN6_IS_ADDR_UNSPECIFIED(&got6) ||
				    (fam == AF_INET6 && memcmp(&got6, &want6,
				    sizeof(got6)) == 0);
			}
		}
		fclose(fp);
	}
	return found;
}

/*
 * "server address" is where the bootstrap sends the cameras: it must be
 * this host.  Unset, each camera gets the address its request reached.
 */
static void
check_server(struct doctor *d)
{
	struct addrinfo	 hints, *res, *ai;
	char		 addr[V720_ADDR_MAX], a[INET6_ADDRSTRLEN];
	int		 local = 0, loop = 0;

	ctl_printable(addr, sizeof(addr), d->dv.dv_server_addr,
	    sizeof(d->dv.dv_server_addr));
	if (addr[0] == '\0') {
		check(d, 1, "server address: not set, cameras are sent to the "
		    "address their request reached");
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(addr, NULL, &hints, &res) != 0) {
		check(d, 0, "server address %s: does not resolve: set it to "
		    "this host's address (%s) in v720d.conf", addr, d->lan);
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (is_loopback(ai->ai_addr))
			loop = 1;
		else if (is_local(d, ai->ai_addr))
			local = 1;
	}
	a[0] = '\0';
	if (res != NULL)
		addr_text(res->ai_addr, a, sizeof(a));
	freeaddrinfo(res);
	if (local && !loop)
		check(d, 1, "server address %s: this host", addr);
	else if (loop)
		check(d, 0, "server address %s: a loopback address, which a "
		    "camera cannot reach: set it to %s in v720d.conf (or "
		    "remove it)", addr, d->lan);
	else
		check(d, 0, "server address %s (%s): not an address of this "
		    "host: cameras are sent there; set it to %s in v720d.conf "
		    "(or remove it)", addr, a, d->lan);
}

static void
check_listeners(struct doctor *d)
{
	static const uint8_t	 need[] = { LISTEN_BOOTSTRAP,
	    LISTEN_CAMERA_TCP, LISTEN_CAMERA_UDP, LISTEN_WEB };
	const struct diag_listener *l;
	const char		*k;
	size_t			 i, j;
	int			 have;

	for (j = 0; j < sizeof(need); j++) {
		have = 0;
		for (i = 0; i < d->nls; i++) {
			l = &d->ls[i];
			if (l->dl_kind != need[j])
				continue;
			have = 1;
			k = diaginfo_kind(l->dl_kind);
			if (l->dl_state == DIAG_L_DOWN)
				check(d, 0, "listener %s %s port %u: its "
				    "process is restarting: see the log "
				    "(journalctl -u v720d)", k, l->dl_addr,
				    l->dl_port);
			else if (l->dl_state == DIAG_L_PAUSED)
				check(d, 0, "listener %s %s port %u: not "
				    "accepting, out of file descriptors: raise "
				    "the limit (LimitNOFILE)", k, l->dl_addr,
				    l->dl_port);
			else if (!proc_bound(l->dl_kind == LISTEN_CAMERA_UDP,
			    l->dl_addr, l->dl_port))
				check(d, 0, "listener %s %s port %u: not bound "
				    "in this network namespace: run the "
				    "doctor where v720d runs", k, l->dl_addr,
				    l->dl_port);
			else
				check(d, 1, "listener %s %s port %u%s: bound",
				    k, l->dl_addr, l->dl_port,
				    l->dl_tls ? " tls" : "");
		}
		if (!have)
			check(d, 0, "listener %s: none%s",
			    diaginfo_kind(need[j]), need[j] == LISTEN_WEB ?
			    ": v720-web is not running (see the log)" :
			    ": add one to v720d.conf");
	}
}

/*
 * One HTTP request to addr port 80: 1 v720d answered (X-V720d header,
 * directly or through a proxy), 0 someone else answered, -1 nobody.
 */
static int
probe80(const char *addr, char *err, size_t errsz)
{
	struct addrinfo	 hints, *res;
	struct pollfd	 pfd;
	char		 buf[4096], req[256];
	size_t		 len = 0;
	ssize_t		 n;
	uint64_t	 deadline = proc_now_ms() + DOC_HTTP_MS;
	int		 fd, e, r = -1, sent = 0, left;
	socklen_t	 el = sizeof(e);

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(addr, "80", &hints, &res) != 0) {
		strlcpy(err, "bad address", errsz);
		return -1;
	}
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		strlcpy(err, strerror(errno), errsz);
		freeaddrinfo(res);
		return -1;
	}
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1 &&
	    errno != EINPROGRESS) {
		strlcpy(err, strerror(errno), errsz);
		goto done;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: "
	    "v720.naxclow.com\r\nUser-Agent: v720ctl-doctor\r\n"
	    "Connection: close\r\n\r\n", DOC_PROBE_PATH);
	for (;;) {
		if ((left = (int)(deadline - proc_now_ms())) <= 0) {
			strlcpy(err, "no answer in time", errsz);
			goto done;
		}
		pfd.fd = fd;
		pfd.events = sent ? POLLIN : POLLOUT;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		if (!sent) {
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) ==
			    -1 || e != 0) {
				strlcpy(err, strerror(e ? e : errno), errsz);
				goto done;
			}
			if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
				strlcpy(err, strerror(errno), errsz);
				goto done;
			}
			sent = 1;
			continue;
		}
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n > 0)
			len += n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL || n <= 0 ||
		    len == sizeof(buf) - 1)
			break;
	}
	if (len == 0) {
		strlcpy(err, "closed without an answer", errsz);
		goto done;
	}
	r = strcasestr(buf, "\r\nX-V720d:") != NULL ? 1 : 0;
	if (r == 0) {
		/* The status line, for the message. */
		buf[strcspn(buf, "\r\n")] = '\0';
		ctl_printable(err, errsz, buf, strlen(buf));
	}
done:
	close(fd);
	freeaddrinfo(res);
	return r;
}

static void
check_port80(struct doctor *d)
{
	const struct diag_listener	*l, *boot = NULL;
	char				 addr[INET6_ADDRSTRLEN], err[128];
	size_t				 i;
	int				 r;

	for (i = 0; i < d->nls; i++) {
		l = &d->ls[i];
		if (l->dl_kind != LISTEN_BOOTSTRAP)
			continue;
		if (boot == NULL || l->dl_port == 80)
			boot = l;
	}
	/* Where the cameras will knock: the address the names point at. */
	if (boot != NULL && boot->dl_port == 80 &&
	    strcmp(boot->dl_addr, "0.0.0.0") != 0 &&
	    strcmp(boot->dl_addr, "::") != 0 &&
	    strcmp(boot->dl_addr, "*") != 0)
		strlcpy(addr, boot->dl_addr, sizeof(addr));
	else if (d->cam_target[0] != '\0')
		strlcpy(addr, d->cam_target, sizeof(addr));
	else
		strlcpy(addr, "127.0.0.1", sizeof(addr));
	err[0] = '\0';
	r = probe80(addr, err, sizeof(err));
	if (r == 1 && boot != NULL && boot->dl_port == 80)
		check(d, 1, "port 80 on %s: v720d's bootstrap listener",
		    addr);
	else if (r == 1)
		check(d, 1, "port 80 on %s: another web server forwards the "
		    "camera paths (/app/api/) to v720d's bootstrap listener%s",
		    addr, boot != NULL ? "" : " (v720d itself not reached)");
	else if (r == 0)
		check(d, 0, "port 80 on %s: another web server answers (%s) "
		    "and does not forward /app/api/ to v720d: forward it to "
		    "the bootstrap listener (port %u) with etc/nginx-v720d.conf "
		    "or the Caddy snippet in README, or free port 80", addr,
		    err, boot != NULL ? boot->dl_port : 8081);
	else
		check(d, 0, "port 80 on %s: nothing answers (%s): cameras ask "
		    "for their configuration there: \"bootstrap listen on ... "
		    "port 80\" in v720d.conf, or forward /app/api/ on port 80 "
		    "to the bootstrap listener%s", addr, err,
		    d->engine ? "" : " (and start v720d)");
}

static void
check_sources(struct doctor *d)
{
	const struct diag_source	*s;
	char				 uid[V720_ID_MAX], hint[V720_ERR_MAX];
	char				 addr[V720_ADDR_MAX];
	time_t				 now = time(NULL);
	long long			 ago;
	size_t				 i;
	int				 ok;

	if (d->nss == 0) {
		check(d, 0, "cameras: no camera has contacted v720d yet: "
		    "check the DNS override above and that the camera joined "
		    "the Wi-Fi (v720ctl ap wifi SSID PASSWORD)");
		return;
	}
	for (i = 0; i < d->nss; i++) {
		s = &d->ss[i];
		ctl_printable(uid, sizeof(uid), s->ds_uid, sizeof(s->ds_uid));
		ctl_printable(hint, sizeof(hint), s->ds_hint,
		    sizeof(s->ds_hint));
		ctl_printable(addr, sizeof(addr), s->ds_addr,
		    sizeof(s->ds_addr));
		ago = now >= s->ds_seen ? (long long)(now - s->ds_seen) : 0;
		switch (s->ds_stage) {
		case DIAG_REGISTERED:
			ok = s->ds_reason == DIAG_R_NONE;
			break;
		case DIAG_UDP:
			ok = ago < DOC_UDP_STALE_S;
			break;
		case DIAG_STREAMING:
			ok = 1;
			break;
		default:
			ok = 0;
			break;
		}
		check(d, ok, "camera %s%s%s: %s, %lld s ago: %s", addr,
		    uid[0] ? " " : "", uid, diaginfo_stage(s->ds_stage), ago,
		    hint);
	}
}

int
doctor_run(const char *path)
{
	struct doctor	*d;
	int		 fails, checks;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		fprintf(stderr, "v720ctl: out of memory\n");
		return 1;
	}
	local_addrs(d);
	check_dns(d);
	if (engine_ask(d, path) == 0) {
		check_server(d);
		check_listeners(d);
	}
	check_port80(d);
	if (d->engine)
		check_sources(d);
	fflush(stdout);
	fails = d->fails;
	checks = d->checks;
	free(d);
	if (fails > 0) {
		fprintf(stderr, "v720ctl: doctor: %d of %d checks failed\n",
		    fails, checks);
		return 1;
	}
	return 0;
}
