/*
 * RTP packets and RTCP reports (RFC 3550), and the two ways they leave:
 * interleaved on a client's RTSP connection (RFC 2326 10.12) and UDP.
 *
 * A frame is packetized once; every client sends from the same packets
 * (RTP header and payload header in rp_hdr, the payload pointing into
 * the frame's data): the 4-byte interleave prefix is made on the stack
 * for each writev, so clients that picked other channels still share
 * everything.  A TCP client's queue holds at most RTP_VIDEO_QUEUE video
 * frames: a frame that finds it full is dropped whole, and a frame that
 * has begun is always finished, so a slow client loses whole frames and
 * never sees half of one, and it never holds up anyone else.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rtp.h"

#define NTP_UNIX_OFFSET	2208988800ULL	/* 1900 to 1970, seconds */
#define FLUSH_PKTS	64		/* packets per writev */

struct rtp_outitem {
	TAILQ_ENTRY(rtp_outitem) oi_entry;
	struct rtp_frame	*oi_frame;	/* or a blob: */
	uint8_t			*oi_blob;
	size_t			 oi_bloblen;
	uint8_t			 oi_ch;
	size_t			 oi_pkt;	/* next packet to send */
	size_t			 oi_off;	/* bytes of it already sent */
};

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

uint64_t
rtp_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint64_t
rtp_ntp_time(uint64_t t_us)
{
	struct timespec	rt;
	uint64_t	now = rtp_now_us(), us;

	clock_gettime(CLOCK_REALTIME, &rt);
	us = (uint64_t)rt.tv_sec * 1000000 + rt.tv_nsec / 1000;
	us = us + t_us - now;	/* the wall time at t_us */
	return (us / 1000000 + NTP_UNIX_OFFSET) << 32 |
	    ((us % 1000000) << 32) / 1000000;
}

void
rtp_track_init(struct rtp_track *t, uint8_t pt, uint32_t rate)
{
	memset(t, 0, sizeof(*t));
	t->rt_ssrc = arc4random();
	t->rt_seq = (uint16_t)arc4random();
	t->rt_base = arc4random();
	t->rt_pt = pt;
	t->rt_rate = rate;
}

uint32_t
rtp_track_time(const struct rtp_track *t, uint64_t t_us)
{
	/* Exact in 64 bits for centuries of uptime; wraps mod 2^32. */
	return t->rt_base + (uint32_t)(t_us / 1000000 * t->rt_rate +
	    t_us % 1000000 * t->rt_rate / 1000000);
}

struct rtp_frame *
rtp_frame_new(struct rtp_track *t, int audio, uint32_t ts)
{
	struct rtp_frame	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->rf_refs = 1;
	f->rf_audio = audio;
	f->rf_ts = ts;
	f->rf_track = t;
	return f;
}

static struct rtp_pkt *
frame_add(struct rtp_frame *f, const uint8_t *hdr, size_t hdrlen, int last)
{
	struct rtp_pkt	*p;
	uint8_t		*h;
	size_t		 ncap;

	if (f->rf_err || hdrlen > RTP_PHDR_MAX) {
		f->rf_err = 1;
		return NULL;
	}
	if (f->rf_npkts == f->rf_cap) {
		ncap = f->rf_cap ? f->rf_cap * 2 : 8;
		if ((p = reallocarray(f->rf_pkts, ncap, sizeof(*p))) == NULL) {
			f->rf_err = 1;
			return NULL;
		}
		f->rf_pkts = p;
		f->rf_cap = ncap;
	}
	p = &f->rf_pkts[f->rf_npkts++];
	h = p->rp_hdr;
	h[0] = 0x80;
	h[1] = f->rf_track->rt_pt | (last ? 0x80 : 0);
	put16(h + 2, f->rf_track->rt_seq++);
	put32(h + 4, f->rf_ts);
	put32(h + 8, f->rf_track->rt_ssrc);
	if (hdrlen > 0)
		memcpy(h + RTP_HDR_LEN, hdr, hdrlen);
	p->rp_hdrlen = RTP_HDR_LEN + hdrlen;
	p->rp_data = NULL;
	p->rp_datalen = 0;
	p->rp_own = 0;
	return p;
}

void
rtp_frame_emit(void *arg, const uint8_t *hdr, size_t hdrlen,
    const uint8_t *data, size_t datalen, int last)
{
	struct rtp_frame	*f = arg;
	struct rtp_pkt		*p;

	if ((p = frame_add(f, hdr, hdrlen, last)) == NULL)
		return;
	p->rp_data = data;
	p->rp_datalen = datalen;
	p->rp_own = SIZE_MAX;
}

void
rtp_frame_emit_copy(void *arg, const uint8_t *hdr, size_t hdrlen,
    const uint8_t *data, size_t datalen, int last)
{
	struct rtp_frame	*f = arg;
	struct rtp_pkt		*p;
	uint8_t			*n;
	size_t			 ncap;

	if ((p = frame_add(f, hdr, hdrlen, last)) == NULL)
		return;
	if (datalen > f->rf_owncap - f->rf_ownlen) {
		ncap = f->rf_owncap ? f->rf_owncap : 2048;
		while (ncap - f->rf_ownlen < datalen && ncap < SIZE_MAX / 2)
			ncap *= 2;
		if (ncap - f->rf_ownlen < datalen ||
		    (n = realloc(f->rf_own, ncap)) == NULL) {
			f->rf_err = 1;
			return;
		}
		f->rf_own = n;
		f->rf_owncap = ncap;
	}
	if (datalen > 0)
		memcpy(f->rf_own + f->rf_ownlen, data, datalen);
	p->rp_own = f->rf_ownlen;	/* rf_own may still move */
	p->rp_datalen = datalen;
	f->rf_ownlen += datalen;
}

int
rtp_frame_seal(struct rtp_frame *f)
{
	size_t	i;

	if (f->rf_err || f->rf_npkts == 0) {
		rtp_frame_unref(f);
		return -1;
	}
	f->rf_bytes = 0;
	for (i = 0; i < f->rf_npkts; i++) {
		if (f->rf_pkts[i].rp_own != SIZE_MAX)
			f->rf_pkts[i].rp_data = f->rf_own + f->rf_pkts[i].rp_own;
		f->rf_bytes += 4 + f->rf_pkts[i].rp_hdrlen +
		    f->rf_pkts[i].rp_datalen;
	}
	f->rf_track = NULL;
	return 0;
}

void
rtp_frame_ref(struct rtp_frame *f)
{
	f->rf_refs++;
}

void
rtp_frame_unref(struct rtp_frame *f)
{
	if (f == NULL || --f->rf_refs > 0)
		return;
	if (f->rf_free != NULL)
		f->rf_free(f->rf_arg);
	free(f->rf_own);
	free(f->rf_pkts);
	free(f);
}

void
rtp_out_init(struct rtp_out *o)
{
	memset(o, 0, sizeof(*o));
	TAILQ_INIT(&o->ro_q);
}

static void
item_free(struct rtp_out *o, struct rtp_outitem *it)
{
	TAILQ_REMOVE(&o->ro_q, it, oi_entry);
	if (it->oi_frame != NULL) {
		if (it->oi_frame->rf_audio)
			o->ro_naudio--;
		else
			o->ro_nvideo--;
		rtp_frame_unref(it->oi_frame);
	} else {
		o->ro_blobbytes -= it->oi_bloblen;
		free(it->oi_blob);
	}
	free(it);
}

void
rtp_out_clear(struct rtp_out *o)
{
	struct rtp_outitem	*it;

	while ((it = TAILQ_FIRST(&o->ro_q)) != NULL)
		item_free(o, it);
}

int
rtp_out_pending(const struct rtp_out *o)
{
	return !TAILQ_EMPTY(&o->ro_q);
}

int
rtp_out_frame(struct rtp_out *o, struct rtp_frame *f, uint8_t ch)
{
	struct rtp_outitem	*it;

	if ((f->rf_audio ? o->ro_naudio >= RTP_AUDIO_QUEUE :
	    o->ro_nvideo >= RTP_VIDEO_QUEUE) ||
	    (it = calloc(1, sizeof(*it))) == NULL) {
		o->ro_dropped++;
		return -1;
	}
	rtp_frame_ref(f);
	it->oi_frame = f;
	it->oi_ch = ch;
	if (f->rf_audio)
		o->ro_naudio++;
	else
		o->ro_nvideo++;
	TAILQ_INSERT_TAIL(&o->ro_q, it, oi_entry);
	return 0;
}

static int
out_blob(struct rtp_out *o, const void *pre, size_t prelen, const void *b,
    size_t len)
{
	struct rtp_outitem	*it;

	if (len > RTP_BLOB_MAX || o->ro_blobbytes + prelen + len > RTP_BLOB_MAX ||
	    (it = calloc(1, sizeof(*it))) == NULL)
		return -1;
	if ((it->oi_blob = malloc(prelen + len)) == NULL) {
		free(it);
		return -1;
	}
	memcpy(it->oi_blob, pre, prelen);
	memcpy(it->oi_blob + prelen, b, len);
	it->oi_bloblen = prelen + len;
	o->ro_blobbytes += it->oi_bloblen;
	TAILQ_INSERT_TAIL(&o->ro_q, it, oi_entry);
	return 0;
}

int
rtp_out_blob(struct rtp_out *o, const void *b, size_t len)
{
	return out_blob(o, "", 0, b, len);
}

int
rtp_out_interleave(struct rtp_out *o, uint8_t ch, const void *b, size_t len)
{
	uint8_t	pre[4] = { '$', ch, 0, 0 };

	if (len > 0xffff)
		return -1;
	put16(pre + 2, len);
	return out_blob(o, pre, 4, b, len);
}

/* Add [p, p+n) minus the first *skip bytes to iov. */
static void
iov_add(struct iovec *iov, int *niov, const void *p, size_t n, size_t *skip)
{
	if (*skip >= n) {
		*skip -= n;
		return;
	}
	iov[*niov].iov_base = (uint8_t *)p + *skip;
	iov[*niov].iov_len = n - *skip;
	(*niov)++;
	*skip = 0;
}

/* Account n written bytes against the queue head onwards. */
static void
advance(struct rtp_out *o, size_t n)
{
	struct rtp_outitem	*it;
	const struct rtp_pkt	*p;
	size_t			 left;

	while (n > 0 && (it = TAILQ_FIRST(&o->ro_q)) != NULL) {
		if (it->oi_frame == NULL) {
			left = it->oi_bloblen - it->oi_off;
			if (n < left) {
				it->oi_off += n;
				return;
			}
			n -= left;
			item_free(o, it);
			continue;
		}
		p = &it->oi_frame->rf_pkts[it->oi_pkt];
		left = 4 + p->rp_hdrlen + p->rp_datalen - it->oi_off;
		if (n < left) {
			it->oi_off += n;
			return;
		}
		n -= left;
		it->oi_off = 0;
		if (++it->oi_pkt == it->oi_frame->rf_npkts)
			item_free(o, it);
	}
}

int
rtp_out_flush(struct rtp_out *o, int fd)
{
	struct iovec		 iov[FLUSH_PKTS * 3];
	uint8_t			 pre[FLUSH_PKTS][4];
	struct rtp_outitem	*it;
	const struct rtp_pkt	*p;
	size_t			 k, skip, npre;
	ssize_t			 n;
	int			 niov;

	while ((it = TAILQ_FIRST(&o->ro_q)) != NULL) {
		niov = 0;
		npre = 0;
		for (; it != NULL && npre < FLUSH_PKTS;
		    it = TAILQ_NEXT(it, oi_entry)) {
			skip = it == TAILQ_FIRST(&o->ro_q) ? it->oi_off : 0;
			if (it->oi_frame == NULL) {
				iov_add(iov, &niov, it->oi_blob,
				    it->oi_bloblen, &skip);
				npre++;
				continue;
			}
			k = it == TAILQ_FIRST(&o->ro_q) ? it->oi_pkt : 0;
			for (; k < it->oi_frame->rf_npkts && npre < FLUSH_PKTS;
			    k++, npre++) {
				p = &it->oi_frame->rf_pkts[k];
				pre[npre][0] = '$';
				pre[npre][1] = it->oi_ch;
				put16(pre[npre] + 2, p->rp_hdrlen + p->rp_datalen);
				iov_add(iov, &niov, pre[npre], 4, &skip);
				iov_add(iov, &niov, p->rp_hdr, p->rp_hdrlen,
				    &skip);
				iov_add(iov, &niov, p->rp_data, p->rp_datalen,
				    &skip);
			}
		}
		if (niov == 0)
			return -1;	/* cannot happen: items are non-empty */
		if ((n = writev(fd, iov, niov)) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 1;
			return -1;
		}
		advance(o, (size_t)n);
	}
	return 0;
}

int
rtp_udp_send(int fd, const struct sockaddr *sa, socklen_t salen,
    const struct rtp_frame *f)
{
	struct msghdr		 m;
	struct iovec		 iov[2];
	const struct rtp_pkt	*p;
	size_t			 i;

	for (i = 0; i < f->rf_npkts; i++) {
		p = &f->rf_pkts[i];
		iov[0].iov_base = (void *)p->rp_hdr;
		iov[0].iov_len = p->rp_hdrlen;
		iov[1].iov_base = (void *)p->rp_data;
		iov[1].iov_len = p->rp_datalen;
		memset(&m, 0, sizeof(m));
		m.msg_name = (void *)sa;
		m.msg_namelen = salen;
		m.msg_iov = iov;
		m.msg_iovlen = p->rp_datalen > 0 ? 2 : 1;
		if (sendmsg(fd, &m, MSG_DONTWAIT) == -1) {
			/* A full socket buffer loses the rest of this frame
			 * (UDP is lossy anyway); a refused port is the
			 * client's business (its RTCP says if it lives). */
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOBUFS || errno == ECONNREFUSED ||
			    errno == EINTR)
				return (int)i;
			return -1;
		}
	}
	return (int)i;
}

size_t
rtcp_sr(uint8_t *buf, size_t bufsz, const struct rtp_track *t,
    uint64_t now_us, uint32_t packets, uint32_t octets, const char *cname)
{
	uint64_t	ntp = rtp_ntp_time(now_us);
	size_t		cl = strlen(cname), sdes;

	if (cl > 255)
		cl = 255;
	/* SDES chunk: SSRC, CNAME item, END, padded to 32 bits. */
	sdes = 4 + 4 + 2 + cl + 1;
	sdes = (sdes + 3) & ~(size_t)3;
	if (bufsz < 28 + sdes)
		return 0;
	buf[0] = 0x80;		/* V=2, no reception reports */
	buf[1] = 200;
	put16(buf + 2, 6);
	put32(buf + 4, t->rt_ssrc);
	put32(buf + 8, ntp >> 32);
	put32(buf + 12, (uint32_t)ntp);
	put32(buf + 16, rtp_track_time(t, now_us));
	put32(buf + 20, packets);
	put32(buf + 24, octets);
	memset(buf + 28, 0, sdes);
	buf[28] = 0x81;		/* V=2, one chunk */
	buf[29] = 202;
	put16(buf + 30, sdes / 4 - 1);
	put32(buf + 32, t->rt_ssrc);
	buf[36] = 1;		/* CNAME */
	buf[37] = (uint8_t)cl;
	memcpy(buf + 38, cname, cl);
	return 28 + sdes;
}

int
rtcp_parse(const uint8_t *buf, size_t len)
{
	size_t	off = 0, plen;
	int	what = 0, n = 0;

	/* RFC 3550 6.1 and A.2: a compound packet's first is SR or RR. */
	if (len < 4 || (buf[1] != 200 && buf[1] != 201))
		return -1;
	while (off < len) {
		if (len - off < 4 || (buf[off] & 0xc0) != 0x80 || ++n > 16)
			return -1;
		plen = ((size_t)buf[off + 2] << 8 | buf[off + 3]) * 4 + 4;
		if (plen > len - off)
			return -1;
		switch (buf[off + 1]) {
		case 200:
		case 201:
			what |= RTCP_RR;
			break;
		case 203:
			what |= RTCP_BYE;
			break;
		default:
			break;	/* SDES, APP, feedback: nothing to do */
		}
		off += plen;
	}
	return what;
}
