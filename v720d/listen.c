/* Binding sockets in the parent (root), to be passed to the children. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"

static void
close_keep_errno(int fd)
{
	int	saved = errno;

	close(fd);
	errno = saved;
}

static int
sockaddr_fill(const char *addr, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	errno = EINVAL;
	return -1;
}

static int
listen_inet(const char *addr, uint16_t port, int type)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	int			fd, one = 1, bufsz = 8 * 1024 * 1024;

	if (sockaddr_fill(addr, port, &ss, &len) == -1)
		return -1;
	if ((fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		goto fail;
	if (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1)
		goto fail;
	/*
	 * Every camera's media arrives on the one UDP socket: give it room
	 * for bursts (as root the limit can be raised past rmem_max).
	 */
	if (type == SOCK_DGRAM &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz,
	    sizeof(bufsz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz,
		    sizeof(bufsz));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 128) == -1)
		goto fail;
	return fd;
fail:
	close_keep_errno(fd);
	return -1;
}

int
listen_tcp(const char *addr, uint16_t port)
{
	return listen_inet(addr, port, SOCK_STREAM);
}

int
listen_udp(const char *addr, uint16_t port)
{
	return listen_inet(addr, port, SOCK_DGRAM);
}

/*
 * The control socket: refuse to steal one a running daemon serves, remove
 * a stale one, and let the children's group in (mode 0660).
 */
int
listen_unix(const char *path, const char *user)
{
	struct sockaddr_un	 sun;
	struct passwd		*pw;
	mode_t			 old;
	int			 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(probe);
		errno = EADDRINUSE;
		return -1;
	}
	close(probe);
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (chmod(path, 0660) == -1)
		goto fail;
	if (geteuid() == 0 && (pw = getpwnam(user)) != NULL &&
	    chown(path, 0, pw->pw_gid) == -1)
		goto fail;
	if (listen(fd, 16) == -1)
		goto fail;
	return fd;
fail:
	close_keep_errno(fd);
	return -1;
}
