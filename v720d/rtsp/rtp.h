/*
 * RTP and RTCP (RFC 3550) for the RTSP server: one track's SSRC,
 * sequence and clock; a frame's packets built once and shared by every
 * client (struct rtp_frame, reference counted); a TCP client's bounded
 * output queue that sends with writev straight from the shared frames
 * and drops whole frames when the client is slow; UDP output with
 * sendmsg; RTCP sender reports and the parsing of what clients send.
 */
#ifndef V720_RTSP_RTP_H
#define V720_RTSP_RTP_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define RTP_HDR_LEN		12
#define RTP_PAYLOAD_MAX		1400	/* payload header + data per packet:
					 * a 1500-byte MTU with IP, UDP, RTP */
#define RTP_PHDR_MAX		(8 + 4 + 4 + 128)	/* RFC 2435 headers */
#define RTP_VIDEO_QUEUE		2	/* video frames queued per TCP client
					 * (the one being sent included) */
#define RTP_AUDIO_QUEUE		16	/* audio packets likewise */
#define RTP_BLOB_MAX		(64 * 1024)	/* replies and reports queued */

/* One RTP stream (one SSRC): a camera's video or audio track. */
struct rtp_track {
	uint32_t	rt_ssrc;
	uint16_t	rt_seq;		/* next sequence number */
	uint8_t		rt_pt;
	uint32_t	rt_rate;	/* clock rate, Hz */
	uint32_t	rt_base;	/* random offset of the RTP clock */
};

void		rtp_track_init(struct rtp_track *, uint8_t pt, uint32_t rate);
/* RTP time at CLOCK_MONOTONIC microseconds t (one clock for all tracks). */
uint32_t	rtp_track_time(const struct rtp_track *, uint64_t t_us);

struct rtp_pkt {
	uint8_t		 rp_hdr[RTP_HDR_LEN + RTP_PHDR_MAX];
	uint16_t	 rp_hdrlen;	/* RTP header + payload header */
	const uint8_t	*rp_data;	/* into the frame's data */
	size_t		 rp_datalen;
	size_t		 rp_own;	/* offset in rf_own, while building */
};

/* The packets of one video frame (or access unit) or audio packet. */
struct rtp_frame {
	int		 rf_refs;
	int		 rf_audio;
	int		 rf_key;	/* H.264: starts with an IDR */
	uint32_t	 rf_ts;
	struct rtp_pkt	*rf_pkts;
	size_t		 rf_npkts, rf_cap;
	size_t		 rf_bytes;	/* on the wire, interleaved */
	void		(*rf_free)(void *);	/* what rp_data points into */
	void		*rf_arg;
	uint8_t		*rf_own;	/* data copied by rtp_frame_emit_copy */
	size_t		 rf_ownlen, rf_owncap;
	int		 rf_err;	/* out of memory while building */
	struct rtp_track *rf_track;	/* while building */
};

/* A frame for track at RTP time ts; NULL when out of memory. */
struct rtp_frame	*rtp_frame_new(struct rtp_track *, int audio,
			    uint32_t ts);
/*
 * rtp_emit_fn (rtppay.h) appending one packet numbered from the track:
 * rtp_frame_emit references data (it must live until rf_free), the
 * _copy variant copies it into the frame (one copy for all clients).
 */
void	rtp_frame_emit(void *arg, const uint8_t *hdr, size_t hdrlen,
	    const uint8_t *data, size_t datalen, int last);
void	rtp_frame_emit_copy(void *arg, const uint8_t *hdr, size_t hdrlen,
	    const uint8_t *data, size_t datalen, int last);
/* After building: 0, or -1 (freed) if building ran out of memory. */
int	rtp_frame_seal(struct rtp_frame *);
void	rtp_frame_ref(struct rtp_frame *);
void	rtp_frame_unref(struct rtp_frame *);

/* A TCP client's output: replies, reports and interleaved frames. */
struct rtp_outitem;
TAILQ_HEAD(rtp_outq, rtp_outitem);
struct rtp_out {
	struct rtp_outq	 ro_q;
	size_t		 ro_nvideo, ro_naudio;
	size_t		 ro_blobbytes;
	uint64_t	 ro_dropped;	/* frames not queued: client slow */
};

void	rtp_out_init(struct rtp_out *);
void	rtp_out_clear(struct rtp_out *);
int	rtp_out_pending(const struct rtp_out *);
/* Queue a frame on channel ch, or drop it whole: 0 queued, -1 dropped. */
int	rtp_out_frame(struct rtp_out *, struct rtp_frame *, uint8_t ch);
/* Queue bytes (copied): 0, or -1 when RTP_BLOB_MAX is reached. */
int	rtp_out_blob(struct rtp_out *, const void *, size_t);
/* Interleave bytes (an RTCP packet) on channel ch, as rtp_out_blob. */
int	rtp_out_interleave(struct rtp_out *, uint8_t ch, const void *, size_t);
/* Write what the socket takes: 1 more pending, 0 all sent, -1 error. */
int	rtp_out_flush(struct rtp_out *, int fd);

/* Send a frame to a UDP client: the packets sent, -1 on a hard error. */
int	rtp_udp_send(int fd, const struct sockaddr *, socklen_t,
	    const struct rtp_frame *);

/* NTP timestamp (RFC 3550 4) of CLOCK_MONOTONIC microseconds t_us. */
uint64_t	rtp_ntp_time(uint64_t t_us);
uint64_t	rtp_now_us(void);	/* CLOCK_MONOTONIC */

/* A sender report with SDES CNAME into buf: its length, 0 if too small. */
size_t	rtcp_sr(uint8_t *buf, size_t bufsz, const struct rtp_track *,
	    uint64_t now_us, uint32_t packets, uint32_t octets,
	    const char *cname);

#define RTCP_RR		0x01	/* receiver or sender report: alive */
#define RTCP_BYE	0x02	/* the client leaves */
/* What a compound RTCP packet from a client says (RTCP_* bits), -1 if
 * it is not one. */
int	rtcp_parse(const uint8_t *buf, size_t len);

#endif
