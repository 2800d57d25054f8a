/*
 * An imsg-style message channel over a Unix stream socketpair: typed,
 * length-prefixed messages, optionally carrying one file descriptor
 * (SCM_RIGHTS).  libbsd has no imsg, so this is ours.
 *
 * Wire: struct chan_hdr (16 bytes, host order: both ends are on this
 * machine) followed by ch_len payload bytes.
 */
#ifndef V720_CHAN_H
#define V720_CHAN_H

#include <sys/types.h>
#include <sys/uio.h>
#include <stddef.h>
#include <stdint.h>

#include <event.h>

#define CHAN_HDR_LEN		16
/* Big enough for a JPEG frame (V720_FRAME_MAX) plus its header. */
#define CHAN_MAX_PAYLOAD	(512 * 1024)
/* Queued output beyond this is refused (the peer is not reading). */
#define CHAN_MAX_QUEUED		(32 * 1024 * 1024)
#define CHAN_MAX_FDS		64	/* received, not yet claimed */
#define CHAN_FLUSH_WAIT_MS	10000	/* chan_flush_all, in all */

#define CHAN_F_HASFD		0x0001

struct chan_hdr {
	uint32_t	ch_type;
	uint32_t	ch_len;		/* payload bytes */
	uint32_t	ch_peerid;	/* free for the caller: request ids */
	uint16_t	ch_flags;
	uint16_t	ch_pad;
};

struct chan_msg {
	struct chan_hdr	 hdr;
	int		 fd;	/* -1 unless CHAN_F_HASFD */
	const uint8_t	*data;	/* valid until the next chan_read() */
	size_t		 len;
};

struct chan_fdq {
	size_t		 off;	/* output offset of the message carrying it */
	int		 fd;
};

/*
 * A received fd and the stream bytes that came with it: the message
 * claiming it must start in [start, end), or it is stray.
 */
struct chan_rfd {
	uint64_t	 start, end;
	int		 fd;
};

struct chan {
	int		 fd;
	int		 nofds;	/* set after init: the peer never passes fds */
	/* input */
	uint8_t		*rbuf;
	size_t		 rcap, rlen, rpos;
	uint64_t	 rbase;	/* stream offset of rbuf[0] */
	struct chan_rfd	 rfds[CHAN_MAX_FDS];
	size_t		 nrfds;
	/* output */
	uint8_t		*wbuf;
	size_t		 wcap, wlen, wpos;
	struct chan_fdq	*wfds;
	size_t		 nwfds, wfdcap;
	/*
	 * For the stats: sendmsg calls and the time spent in them (wall
	 * clock: a write that wakes the peer may let it run first).
	 */
	uint64_t	 nwrites, write_ns;
};

int	 chan_init(struct chan *, int fd);
void	 chan_clear(struct chan *);	/* frees buffers, closes fds */
/* Read what is there.  Returns bytes read, 0 on EOF, -1 on error (errno);
 * EAGAIN is returned as -1 with errno EAGAIN.  With nofds set, any fd
 * received is closed and the read fails with EBADMSG. */
ssize_t	 chan_read(struct chan *);
/* Next complete message: 1 and *m filled, 0 if none yet, -1 if the peer
 * sent something malformed (oversized, flags, missing fd, or an fd that
 * came with no message claiming it). */
int	 chan_get(struct chan *, struct chan_msg *m);
/* Queue a message; fd (or -1) is closed once sent.  -1 if too big or the
 * queue is full (the fd is then closed too). */
int	 chan_compose(struct chan *, uint32_t type, uint32_t peerid, int fd,
	    const void *data, size_t len);
int	 chan_composev(struct chan *, uint32_t type, uint32_t peerid, int fd,
	    const struct iovec *iov, int iovcnt);
/* Write as much as possible: 0 when all sent or EAGAIN, -1 on error. */
int	 chan_flush(struct chan *);
/* Write everything, blocking (poll) as needed, for at most
 * CHAN_FLUSH_WAIT_MS in all (signals do not restart it): 0 or -1. */
int	 chan_flush_all(struct chan *);
size_t	 chan_queued(const struct chan *);

/*
 * libevent glue: reads, writes and calls dispatch for every message;
 * calls closed once when the peer goes away or misbehaves.
 */
struct chanev;
typedef void	(*chanev_dispatch_cb)(struct chanev *, struct chan_msg *, void *);
typedef void	(*chanev_closed_cb)(struct chanev *, void *);

struct chanev {
	struct chan		 c;
	struct event		 ev;
	short			 events;
	int			 active;
	int			 broken;	/* closed on a malformed frame */
	int			 held;		/* on the held list, see below */
	/* chanev_linger: at most one write per linger_ns, 0 for none */
	struct event		 linger_ev;
	uint64_t		 linger_ns, last_write_ns;
	int			 lingering;	/* linger_ev is pending */
	int			 pushed;	/* chanev_push: write now */
	chanev_dispatch_cb	 dispatch;
	chanev_closed_cb	 closed;
	void			*arg;
};

int	 chanev_init(struct chanev *, int fd, chanev_dispatch_cb,
	    chanev_closed_cb, void *arg);
void	 chanev_clear(struct chanev *);
int	 chanev_compose(struct chanev *, uint32_t type, uint32_t peerid,
	    int fd, const void *data, size_t len);
int	 chanev_composev(struct chanev *, uint32_t type, uint32_t peerid,
	    int fd, const struct iovec *iov, int iovcnt);
void	 chanev_update(struct chanev *);
/* Stop reading and call closed, as when the peer goes away. */
void	 chanev_shut(struct chanev *);
/*
 * Hold every channel's writes from chanev_hold to chanev_release: the
 * messages one burst of work makes for a peer (the frames of a batch of
 * datagrams) then go in one write and one wakeup of the peer, not one
 * each.  Messages are queued in order meanwhile; nothing is lost.
 */
void	 chanev_hold(void);
void	 chanev_release(void);
/*
 * Write to this channel at most once per ms milliseconds (set after
 * chanev_init; 0 writes at once again), for a peer that needs no
 * millisecond latency (the recorder, the rtsp child): under load the
 * engine then wakes it once per period, not once per batch.  What is
 * queued goes with the first message after the period, or by a timer
 * one more period later when none comes (so a message waits at most
 * two periods); the first message after a quiet spell goes at once, and
 * past CHANEV_LINGER_MAX queued bytes the channel writes at once, so the
 * queue stays small.  chanev_push writes what is queued now (at
 * chanev_release when held): a message somebody waits for.
 */
#define CHANEV_LINGER_MAX	(64 * 1024)
void	 chanev_linger(struct chanev *, unsigned ms);
void	 chanev_push(struct chanev *);

/* Copy a NUL-terminated string field out of a fixed wire struct: -1 if
 * it is not terminated inside its field. */
int	 chan_strfield(const char *field, size_t fieldsz);

#endif
