/*
 * Per camera fan-out: each frame is packetized once and the same packets
 * go to every sink (see rtp.c for how they are shared).  The H.264
 * encoder of a camera runs only while one of its sinks wants H.264; a
 * DESCRIBE on an idle camera opens it for its SPS and PPS (at the last
 * frame's size, or 640x480 before any) and it closes again when nobody
 * plays for ENC_LINGER_US.
 */
#include <sys/tree.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "h264enc.h"
#include "rtph264.h"
#include "rtpjpeg.h"
#include "server.h"
#include "stream.h"

#define ENC_FPS		10	/* rate control hint; frames come when they come */
#define ENC_GOP_S	2	/* a key frame every so often anyway */
#define ENC_LINGER_US	(10 * 1000000ULL)
#define IDR_EVERY_US	(500 * 1000ULL)	/* at most so many forced IDRs */
#define AUDIO_RESYNC	480	/* samples (60 ms) of drift before a jump */
#define AUDIO_MAX	(64 * 1024)	/* bytes in one audio message */
#define DEFAULT_W	640
#define DEFAULT_H	480

TAILQ_HEAD(sinklist, stream_sink);

struct stream {
	RB_ENTRY(stream)	 st_entry;
	char			 st_uid[64];
	char			 st_name[64];
	int			 st_state;
	int			 st_gone;	/* no longer known; dies with refs */
	int			 st_refs;
	struct sinklist		 st_sinks;
	unsigned		 st_demand;	/* last told to rtsp_demand */
	struct rtp_track	 st_jpeg, st_h264, st_audio;
	/* audio clock: sample count, kept near the arrival time */
	int			 st_audio_sync;
	uint32_t		 st_audio_next;
	/* H.264 */
	struct h264enc		*st_enc;
	int			 st_enc_w, st_enc_h;
	int			 st_last_w, st_last_h;	/* last frame's size */
	uint64_t		 st_enc_used;	/* last DESCRIBE or frame, us */
	int			 st_force_idr;
	uint64_t		 st_idr_at;	/* last forced IDR, us */
	uint64_t		 st_enc_failed;	/* last failed open, us */
	struct rtp_frame	*st_au;		/* being built by nal_cb */
};

RB_HEAD(streamtree, stream);
static struct streamtree	streams = RB_INITIALIZER(&streams);
static char			encoder[64] = H264ENC_DEFAULT;
static struct stream_stats	stats;

static int
stream_cmp(struct stream *a, struct stream *b)
{
	return strcmp(a->st_uid, b->st_uid);
}
RB_PROTOTYPE(streamtree, stream, st_entry, stream_cmp);
RB_GENERATE(streamtree, stream, st_entry, stream_cmp);

void
stream_init(void)
{
	RB_INIT(&streams);
}

void
stream_encoder(const char *name)
{
	if (name != NULL && name[0] != '\0')
		strlcpy(encoder, name, sizeof(encoder));
}

static struct stream *
find(const char *uid)
{
	struct stream	key;

	if (strlcpy(key.st_uid, uid, sizeof(key.st_uid)) >= sizeof(key.st_uid))
		return NULL;
	return RB_FIND(streamtree, &streams, &key);
}

struct stream *
stream_get(const char *uid)
{
	struct stream	*st;

	if ((st = find(uid)) == NULL || st->st_gone)
		return NULL;
	st->st_refs++;
	return st;
}

void
stream_ref(struct stream *st)
{
	st->st_refs++;
}

static void
enc_close(struct stream *st)
{
	if (st->st_enc != NULL) {
		h264enc_close(st->st_enc);
		st->st_enc = NULL;
		log_debug("%s: H.264 encoder closed", st->st_uid);
	}
}

static void
stream_free(struct stream *st)
{
	RB_REMOVE(streamtree, &streams, st);
	enc_close(st);
	rtp_frame_unref(st->st_au);
	free(st);
}

void
stream_unref(struct stream *st)
{
	if (--st->st_refs > 0)
		return;
	if (st->st_gone)
		stream_free(st);
}

int
stream_state(const struct stream *st)
{
	return st->st_gone ? RTSP_CAM_OFFLINE : st->st_state;
}

int
stream_gone(const struct stream *st)
{
	return st->st_gone;
}

const char *
stream_uid(const struct stream *st)
{
	return st->st_uid;
}

const char *
stream_name(const struct stream *st)
{
	return st->st_name;
}

struct rtp_track *
stream_track(struct stream *st, int h264, int track)
{
	if (track == STREAM_TRACK_AUDIO)
		return &st->st_audio;
	return h264 ? &st->st_h264 : &st->st_jpeg;
}

static int
enc_open(struct stream *st, int w, int h, const char **why)
{
	static char	err[256];

	uint64_t	now = rtp_now_us();

	if (st->st_enc != NULL && st->st_enc_w == w && st->st_enc_h == h)
		return 0;
	enc_close(st);
	/* A failing encoder is tried again now and then, not every frame. */
	if (st->st_enc_failed != 0 && now - st->st_enc_failed < ENC_LINGER_US) {
		*why = "the encoder failed to open lately";
		return -1;
	}
	if ((st->st_enc = h264enc_open(encoder, w, h, ENC_FPS, ENC_GOP_S, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s: H.264 encoder %s at %dx%d: %s", st->st_uid,
		    encoder, w, h, err);
		st->st_enc_failed = now;
		*why = err;
		return -1;
	}
	st->st_enc_failed = 0;
	st->st_enc_w = w;
	st->st_enc_h = h;
	st->st_force_idr = 1;
	log_debug("%s: H.264 encoder %s open at %dx%d", st->st_uid, encoder,
	    w, h);
	return 0;
}

int
stream_h264_fmtp(struct stream *st, char *buf, size_t bufsz, const char **why)
{
	const uint8_t	*sps, *pps;
	size_t		 spslen, ppslen;
	int		 w = st->st_last_w ? st->st_last_w : DEFAULT_W;
	int		 h = st->st_last_h ? st->st_last_h : DEFAULT_H;

	if (st->st_enc == NULL && enc_open(st, w, h, why) == -1)
		return -1;
	st->st_enc_used = rtp_now_us();
	if (h264enc_params(st->st_enc, &sps, &spslen, &pps, &ppslen) == -1) {
		*why = "the encoder has no SPS/PPS yet";
		return -1;
	}
	if (rtph264_fmtp(sps, spslen, pps, ppslen, buf, bufsz) == -1) {
		*why = "the SPS/PPS do not fit the SDP";
		return -1;
	}
	return 0;
}

static void
demand(struct stream *st)
{
	struct stream_sink	*s;
	unsigned		 n = 0;

	TAILQ_FOREACH(s, &st->st_sinks, ss_entry)
		n++;
	if (n != st->st_demand && !st->st_gone) {
		st->st_demand = n;
		rtsp_demand(st->st_uid, n);
	}
}

void
stream_attach(struct stream *st, struct stream_sink *s)
{
	TAILQ_INSERT_TAIL(&st->st_sinks, s, ss_entry);
	if (s->ss_h264)
		stream_want_idr(st, s);
	demand(st);
}

void
stream_detach(struct stream *st, struct stream_sink *s)
{
	TAILQ_REMOVE(&st->st_sinks, s, ss_entry);
	demand(st);
}

void
stream_want_idr(struct stream *st, struct stream_sink *s)
{
	s->ss_need_idr = 1;
	st->st_force_idr = 1;
}

void
stream_camera(const char *uid, const char *name, int state)
{
	struct stream	*st;

	if ((st = find(uid)) == NULL) {
		if (strlen(uid) >= sizeof(st->st_uid) ||
		    (st = calloc(1, sizeof(*st))) == NULL) {
			log_warnx("%s: camera %s not kept", __func__, uid);
			return;
		}
		strlcpy(st->st_uid, uid, sizeof(st->st_uid));
		TAILQ_INIT(&st->st_sinks);
		rtp_track_init(&st->st_jpeg, 26, 90000);
		rtp_track_init(&st->st_h264, 96, 90000);
		rtp_track_init(&st->st_audio, 8, 8000);
		RB_INSERT(streamtree, &streams, st);
	}
	st->st_gone = 0;
	strlcpy(st->st_name, name, sizeof(st->st_name));
	st->st_state = state;
	/* A camera that comes back is asked for again. */
	if (state == RTSP_CAM_OFFLINE)
		st->st_demand = 0;
	else if (st->st_demand == 0)
		demand(st);
}

void
stream_camera_gone(const char *uid)
{
	struct stream	*st;

	if ((st = find(uid)) == NULL)
		return;
	st->st_gone = 1;
	st->st_state = RTSP_CAM_OFFLINE;
	enc_close(st);
	if (st->st_refs == 0)
		stream_free(st);
}

/* What a JPEG frame's packets point into. */
struct jpegframe {
	uint8_t		*jf_data;
	struct rtpjpeg	 jf_rj;
};

static void
jpegframe_free(void *arg)
{
	struct jpegframe	*jf = arg;

	rtpjpeg_clear(&jf->jf_rj);
	free(jf->jf_data);
	free(jf);
}

static void
fanout(struct stream *st, struct rtp_frame *f, int h264, int audio)
{
	struct stream_sink	*s, *next;

	TAILQ_FOREACH_SAFE(s, &st->st_sinks, ss_entry, next) {
		if (audio ? !s->ss_audio : (!s->ss_video || s->ss_h264 != h264))
			continue;
		if (h264 && !audio && s->ss_need_idr) {
			if (!f->rf_key)
				continue;
			s->ss_need_idr = 0;
		}
		if (s->ss_deliver(s, f) == -1 && h264 && !audio)
			stream_want_idr(st, s);
	}
}

static void
send_jpeg(struct stream *st, const uint8_t *jpeg, size_t len, uint64_t rx_us)
{
	struct jpegframe	*jf;
	struct rtp_frame	*f;
	const char		*why = "out of memory";

	if ((jf = calloc(1, sizeof(*jf))) == NULL ||
	    (jf->jf_data = malloc(len)) == NULL) {
		free(jf);
		goto drop;
	}
	memcpy(jf->jf_data, jpeg, len);
	if (rtpjpeg_prepare(&jf->jf_rj, jf->jf_data, len, &why) == -1) {
		jpegframe_free(jf);
		goto drop;
	}
	if ((f = rtp_frame_new(&st->st_jpeg, 0,
	    rtp_track_time(&st->st_jpeg, rx_us))) == NULL) {
		jpegframe_free(jf);
		goto drop;
	}
	f->rf_free = jpegframe_free;
	f->rf_arg = jf;
	rtpjpeg_packetize(&jf->jf_rj, RTP_PAYLOAD_MAX, rtp_frame_emit, f);
	if (rtp_frame_seal(f) == -1)
		goto drop;
	fanout(st, f, 0, 0);
	rtp_frame_unref(f);
	return;
drop:
	stats.dropped++;
	log_debug("%s: frame of %zu bytes dropped: %s", st->st_uid, len, why);
}

static void
nal_cb(void *arg, const uint8_t *nal, size_t len, int last_in_au)
{
	struct stream	*st = arg;

	if (st->st_au == NULL || len == 0)
		return;
	if ((nal[0] & 0x1f) == 5)
		st->st_au->rf_key = 1;
	rtph264_packetize(nal, len, RTP_PAYLOAD_MAX, last_in_au,
	    rtp_frame_emit_copy, st->st_au);
}

static void
send_h264(struct stream *st, const uint8_t *jpeg, size_t len, uint64_t rx_us)
{
	struct rtp_frame	*f;
	const char		*why;
	uint64_t		 now = rtp_now_us();
	int			 force = 0;

	if (enc_open(st, st->st_last_w, st->st_last_h, &why) == -1)
		return;
	st->st_enc_used = now;
	if (st->st_force_idr && now - st->st_idr_at >= IDR_EVERY_US) {
		force = 1;
		st->st_force_idr = 0;
		st->st_idr_at = now;
	}
	if ((st->st_au = rtp_frame_new(&st->st_h264, 0,
	    rtp_track_time(&st->st_h264, rx_us))) == NULL)
		return;
	if (h264enc_frame(st->st_enc, jpeg, len, (int64_t)(rx_us / 1000),
	    force, nal_cb, st) == -1) {
		stats.dropped++;
		st->st_force_idr |= force;
		rtp_frame_unref(st->st_au);
		st->st_au = NULL;
		return;
	}
	f = st->st_au;
	st->st_au = NULL;
	if (f->rf_npkts == 0) {		/* the encoder holds it back */
		rtp_frame_unref(f);
		return;
	}
	if (rtp_frame_seal(f) == -1)
		return;
	stats.encoded++;
	fanout(st, f, 1, 0);
	rtp_frame_unref(f);
}

void
stream_frame(const char *uid, const uint8_t *jpeg, size_t len, uint64_t rx_us)
{
	struct stream		*st;
	struct stream_sink	*s;
	int			 want_jpeg = 0, want_h264 = 0, w, h;

	if ((st = find(uid)) == NULL || st->st_gone)
		return;
	if (jpeg_dims(jpeg, len, &w, &h) == 0 && w > 0 && h > 0 &&
	    w <= H264ENC_MAXDIM && h <= H264ENC_MAXDIM) {
		st->st_last_w = w;
		st->st_last_h = h;
	}
	TAILQ_FOREACH(s, &st->st_sinks, ss_entry) {
		if (s->ss_video && s->ss_h264)
			want_h264 = 1;
		else if (s->ss_video)
			want_jpeg = 1;
	}
	stats.frames++;
	if (want_jpeg)
		send_jpeg(st, jpeg, len, rx_us);
	if (want_h264 && st->st_last_w > 0)
		send_h264(st, jpeg, len, rx_us);
	else if (st->st_enc != NULL &&
	    rtp_now_us() - st->st_enc_used > ENC_LINGER_US)
		enc_close(st);
}

void
stream_audio(const char *uid, const uint8_t *alaw, size_t len, uint64_t rx_us)
{
	struct stream		*st;
	struct stream_sink	*s;
	struct rtp_frame	*f;
	uint32_t		 ideal, ts;
	size_t			 off, n;
	int			 want = 0;

	if ((st = find(uid)) == NULL || st->st_gone || len == 0 ||
	    len > AUDIO_MAX)
		return;
	TAILQ_FOREACH(s, &st->st_sinks, ss_entry)
		want |= s->ss_audio;
	if (!want) {
		st->st_audio_sync = 0;
		return;
	}
	/*
	 * One A-law byte is one sample: the timestamp advances by the
	 * sample count, so the client plays without gaps; the packet's first
	 * sample was taken about len samples before it arrived, and when the
	 * count drifts from that by more than AUDIO_RESYNC (lost packets, the
	 * camera's clock) it jumps back: both tracks keep one clock, which
	 * is what the sender reports tell the client.
	 */
	ideal = rtp_track_time(&st->st_audio, rx_us) - (uint32_t)len;
	ts = st->st_audio_next;
	if (!st->st_audio_sync || (int32_t)(ts - ideal) > AUDIO_RESYNC ||
	    (int32_t)(ideal - ts) > AUDIO_RESYNC)
		ts = ideal;
	st->st_audio_sync = 1;
	st->st_audio_next = ts + (uint32_t)len;
	for (off = 0; off < len; off += n) {
		n = len - off < RTP_PAYLOAD_MAX ? len - off : RTP_PAYLOAD_MAX;
		if ((f = rtp_frame_new(&st->st_audio, 1, ts + (uint32_t)off)) ==
		    NULL)
			return;
		rtp_frame_emit_copy(f, NULL, 0, alaw + off, n, 0);
		if (rtp_frame_seal(f) == -1)
			return;
		fanout(st, f, 0, 1);
		rtp_frame_unref(f);
	}
}

void
stream_tick(void)
{
	struct stream		*st;
	struct stream_sink	*s;
	uint64_t		 now = rtp_now_us();

	/* An encoder a DESCRIBE opened for nobody who then played. */
	RB_FOREACH(st, streamtree, &streams) {
		if (st->st_enc == NULL || now - st->st_enc_used <= ENC_LINGER_US)
			continue;
		TAILQ_FOREACH(s, &st->st_sinks, ss_entry)
			if (s->ss_h264 && s->ss_video)
				break;
		if (s == NULL)
			enc_close(st);
	}
}

void
stream_shutdown(void)
{
	struct stream	*st;

	RB_FOREACH(st, streamtree, &streams)
		enc_close(st);
}

void
stream_stats(struct stream_stats *s)
{
	*s = stats;
}
