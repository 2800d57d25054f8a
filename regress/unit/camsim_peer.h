/*
 * A scripted server peer for camsim's tests: sockets on 127.0.0.1 with
 * ephemeral ports, camsim spawned from the same build tree, criterion
 * assertions on what arrives.  Used by test_camsim_peer.c and
 * test_camsim_faults.c.
 */
#ifndef CAMSIM_PEER_H
#define CAMSIM_PEER_H

#include <sys/types.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct peer {
	int		lfd, ufd, cfd;
	int		port;
	pid_t		pid;
	struct sockaddr_in cam;		/* camera's UDP address */
	char		logpath[64];
};

long long	now_ms(void);
/* A bound socket on 127.0.0.1:port (0: ephemeral); listening if TCP. */
int	listen_on(int type, int port);
int	port_of(int fd);
/* TCP and UDP on one ephemeral port number, as the server has them. */
void	peer_listen(struct peer *);
void	camsim_path(char *out, size_t outsz);
/* Run camsim MODE 127.0.0.1:port --log ... args (NULL-terminated). */
void	peer_spawn(struct peer *, const char *mode, int port,
	    const char *const *args);
/* SIGTERM camsim, expect a clean exit, close everything. */
int	peer_stop(struct peer *);
int	wait_fd(int fd, int ms);
void	peer_accept(struct peer *, int ms);
/* Exactly n bytes within ms, or fail. */
void	read_n(int fd, uint8_t *buf, size_t n, int ms);
/* Next TCP message; its payload NUL-terminated in buf. */
size_t	tcp_msg(int fd, struct wire_hdr *, char *buf, size_t cap, int ms);
/* Next JSON message containing needle (others skipped). */
void	tcp_expect(int fd, const char *needle, char *buf, size_t cap, int ms);
/* A JSON message with a server header. */
void	tcp_json(int fd, const char *json);
ssize_t	udp_recv(struct peer *, uint8_t *buf, size_t cap, int ms,
	    struct sockaddr_in *from);
void	udp_send(struct peer *, uint16_t cmd, const void *pl, size_t len);
/* A 605 listing ids. */
void	confirm(struct peer *, const uint32_t *ids, int n);
/* Next UDP media packet (JSON skipped); -1 on timeout. */
ssize_t	media(struct peer *, uint8_t *buf, int ms, struct wire_hdr *);
/* Registration, 101, then 11 -> 20 -> 21 -> 12 + 51; sets p->cam. */
void	peer_online(struct peer *, const char *const *args);
/* One whole frame; ids[] gets its pkg_ids; returns packet count or -1. */
int	read_frame(struct peer *, uint8_t *frame, size_t *flen,
	    uint32_t *ids, int ms);
/* Forward with content code (3, 2, 1, 0) and wait for its echo. */
void	open_stream(struct peer *, int code);
/* Media packets seen within ms. */
int	quiet_for(struct peer *, int ms);

#endif
