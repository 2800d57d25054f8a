/*
 * RTP/RTCP of the RTSP server (v720d/rtsp/rtp.c): packets built once and
 * shared, interleaved output over a socket that a slow reader fills up
 * (whole frames or nothing, bounded), sender reports, client RTCP.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../v720d/rtsp/rtp.h"

static uint8_t	payload[64 * 1024];

/* A video frame of n packets of 1000 bytes each, marker on the last. */
static struct rtp_frame *
frame(struct rtp_track *t, size_t n, uint32_t ts)
{
	struct rtp_frame	*f;
	uint8_t			 ph[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	size_t			 i;

	cr_assert_not_null(f = rtp_frame_new(t, 0, ts));
	for (i = 0; i < n; i++)
		rtp_frame_emit(f, ph, sizeof(ph), payload + i * 1000, 1000,
		    i == n - 1);
	cr_assert_eq(rtp_frame_seal(f), 0);
	return f;
}

Test(rtp, header)
{
	struct rtp_track	 t;
	struct rtp_frame	*f;
	const uint8_t		*h;
	uint16_t		 seq;

	rtp_track_init(&t, 26, 90000);
	seq = t.rt_seq;
	f = frame(&t, 3, 0x12345678);
	cr_assert_eq(f->rf_npkts, 3);
	h = f->rf_pkts[2].rp_hdr;
	cr_assert_eq(h[0], 0x80);
	cr_assert_eq(h[1], 0x80 | 26);		/* marker on the last */
	cr_assert_eq(f->rf_pkts[0].rp_hdr[1], 26);
	cr_assert_eq((uint16_t)(h[2] << 8 | h[3]), (uint16_t)(seq + 2));
	cr_assert_eq(h[4], 0x12);
	cr_assert_eq(h[7], 0x78);
	cr_assert_eq((uint32_t)h[8] << 24 | h[9] << 16 | h[10] << 8 | h[11],
	    t.rt_ssrc);
	cr_assert_eq(f->rf_pkts[0].rp_hdrlen, 20);
	cr_assert_eq(f->rf_bytes, 3 * (4 + 20 + 1000));
	cr_assert_eq(t.rt_seq, (uint16_t)(seq + 3));
	rtp_frame_unref(f);
}

Test(rtp, copy_survives_source)
{
	struct rtp_track	 t;
	struct rtp_frame	*f;
	uint8_t			 nal[3000];
	size_t			 i;

	rtp_track_init(&t, 96, 90000);
	memset(nal, 0xab, sizeof(nal));
	cr_assert_not_null(f = rtp_frame_new(&t, 0, 1));
	for (i = 0; i < 3; i++)
		rtp_frame_emit_copy(f, NULL, 0, nal + i * 1000, 1000, i == 2);
	memset(nal, 0, sizeof(nal));	/* the encoder reuses its buffer */
	cr_assert_eq(rtp_frame_seal(f), 0);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(f->rf_pkts[i].rp_datalen, 1000);
		cr_assert_eq(f->rf_pkts[i].rp_data[999], 0xab);
	}
	rtp_frame_unref(f);
}

Test(rtp, clock)
{
	struct rtp_track	t;

	rtp_track_init(&t, 8, 8000);
	cr_assert_eq(rtp_track_time(&t, 1000000) - rtp_track_time(&t, 0), 8000);
	cr_assert_eq(rtp_track_time(&t, 1125) - rtp_track_time(&t, 1000), 1);
	rtp_track_init(&t, 26, 90000);
	cr_assert_eq(rtp_track_time(&t, 3600ULL * 1000000 * 24 * 400 + 1000000)
	    - rtp_track_time(&t, 3600ULL * 1000000 * 24 * 400), 90000);
}

static uint8_t	rx[4 * 1024 * 1024];
static size_t	rxlen;

static void
drain(int fd)
{
	ssize_t	r;

	while ((r = read(fd, rx + rxlen, sizeof(rx) - rxlen)) > 0)
		rxlen += r;
}

/* What the reader got, as frames: all whole?  Returns the count. */
static int
whole_frames(size_t pkts_per_frame)
{
	size_t	off = 0, n, inframe = 0;
	int	frames = 0;

	while (off + 4 <= rxlen) {
		cr_assert_eq(rx[off], '$');
		n = (size_t)rx[off + 2] << 8 | rx[off + 3];
		cr_assert_leq(off + 4 + n, rxlen, "a packet cut short");
		inframe++;
		if (rx[off + 4 + 1] & 0x80) {
			cr_assert_eq(inframe, pkts_per_frame, "half a frame");
			inframe = 0;
			frames++;
		}
		off += 4 + n;
	}
	cr_assert_eq(off, rxlen);
	cr_assert_eq(inframe, 0, "half a frame at the end");
	return frames;
}

Test(rtp, slow_client_loses_whole_frames)
{
	struct rtp_track	 t;
	struct rtp_frame	*f;
	struct rtp_out		 o;
	int			 sv[2], i, queued = 0, dropped = 0;
	int			 sz = 4096;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	rtp_track_init(&t, 26, 90000);
	rtp_out_init(&o);
	/* The reader is away: frames pile up to the bound, then drop whole. */
	for (i = 0; i < 50; i++) {
		f = frame(&t, 30, i);
		if (rtp_out_frame(&o, f, 0) == 0)
			queued++;
		else
			dropped++;
		rtp_frame_unref(f);
		cr_assert_neq(rtp_out_flush(&o, sv[0]), -1);
	}
	cr_assert_leq(o.ro_nvideo, RTP_VIDEO_QUEUE);
	cr_assert_gt(dropped, 40);
	cr_assert_eq(o.ro_dropped, (uint64_t)dropped);
	/* The reader comes back: what it gets is whole frames only. */
	rxlen = 0;
	while (rtp_out_pending(&o)) {
		drain(sv[1]);
		cr_assert_neq(rtp_out_flush(&o, sv[0]), -1);
	}
	drain(sv[1]);
	cr_assert_eq(whole_frames(30), queued);
	rtp_out_clear(&o);
	close(sv[0]);
	close(sv[1]);
}

Test(rtp, replies_interleave_between_packets)
{
	struct rtp_track	 t;
	struct rtp_frame	*f;
	struct rtp_out		 o;
	uint8_t			 buf[8192];
	int			 sv[2];
	ssize_t			 n;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	rtp_track_init(&t, 8, 8000);
	rtp_out_init(&o);
	cr_assert_not_null(f = rtp_frame_new(&t, 1, 0));
	rtp_frame_emit_copy(f, NULL, 0, payload, 512, 0);
	cr_assert_eq(rtp_frame_seal(f), 0);
	cr_assert_eq(rtp_out_frame(&o, f, 2), 0);
	rtp_frame_unref(f);
	cr_assert_eq(rtp_out_blob(&o, "RTSP/1.0 200 OK\r\n\r\n", 19), 0);
	cr_assert_eq(rtp_out_interleave(&o, 3, "\x80\xc8\x00\x00", 4), 0);
	cr_assert_eq(rtp_out_flush(&o, sv[0]), 0);
	n = read(sv[1], buf, sizeof(buf));
	cr_assert_eq(n, 4 + 12 + 512 + 19 + 8);
	cr_assert_eq(memcmp(buf, "$\x02\x02\x0c", 4), 0);
	cr_assert_eq(memcmp(buf + 528, "RTSP/1.0 200 OK", 15), 0);
	cr_assert_eq(memcmp(buf + 547, "$\x03\x00\x04\x80\xc8", 6), 0);
	/* Replies are bounded too: a client that never reads is closed. */
	while (rtp_out_blob(&o, payload, 1000) == 0)
		;
	cr_assert_leq(o.ro_blobbytes, RTP_BLOB_MAX);
	rtp_out_clear(&o);
	close(sv[0]);
	close(sv[1]);
}

Test(rtp, sender_report)
{
	struct rtp_track	t;
	uint8_t			b[128];
	size_t			n;
	uint64_t		now = rtp_now_us(), ntp;
	uint32_t		rtp;

	rtp_track_init(&t, 26, 90000);
	n = rtcp_sr(b, sizeof(b), &t, now, 10, 1000, "v720d");
	cr_assert_eq(n, 28 + 16);
	cr_assert_eq(b[0], 0x80);
	cr_assert_eq(b[1], 200);
	cr_assert_eq(b[3], 6);
	ntp = (uint64_t)b[8] << 56 | (uint64_t)b[9] << 48 |
	    (uint64_t)b[10] << 40 | (uint64_t)b[11] << 32;
	cr_assert_gt(ntp >> 32, 3900000000ULL);		/* after 2023 */
	rtp = (uint32_t)b[16] << 24 | b[17] << 16 | b[18] << 8 | b[19];
	cr_assert_eq(rtp, rtp_track_time(&t, now));
	cr_assert_eq(b[29], 202);
	cr_assert_eq(b[36], 1);
	cr_assert_eq(b[37], 5);
	cr_assert_eq(memcmp(b + 38, "v720d", 5), 0);
	cr_assert_eq(rtcp_parse(b, n), RTCP_RR);
	cr_assert_eq(rtcp_sr(b, 40, &t, now, 0, 0, "v720d"), 0);
}

Test(rtp, client_rtcp)
{
	static const uint8_t rr[] = { 0x81, 201, 0, 7, 1, 2, 3, 4,
	    5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t rrbye[] = { 0x80, 201, 0, 1, 1, 2, 3, 4,
	    0x81, 203, 0, 1, 1, 2, 3, 4 };
	uint8_t	b[64];

	cr_assert_eq(rtcp_parse(rr, sizeof(rr)), RTCP_RR);
	cr_assert_eq(rtcp_parse(rrbye, sizeof(rrbye)), RTCP_RR | RTCP_BYE);
	cr_assert_eq(rtcp_parse(rr, sizeof(rr) - 1), -1);	/* length lies */
	cr_assert_eq(rtcp_parse(rrbye + 8, 8), -1);	/* BYE alone */
	memcpy(b, rr, sizeof(rr));
	b[0] = 0x41;					/* version 1 */
	cr_assert_eq(rtcp_parse(b, sizeof(rr)), -1);
	cr_assert_eq(rtcp_parse(rr, 2), -1);
	cr_assert_eq(rtcp_parse((const uint8_t *)"GET / HTTP", 10), -1);
}
