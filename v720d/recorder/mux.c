/* Matroska segments with libavformat; see mux.h. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>

#include "mux.h"

#define MUX_IOBUF	(64 * 1024)

struct mux {
	AVFormatContext	*m_fmt;
	AVIOContext	*m_io;
	int		 m_fd;
	int		 m_err;		/* errno of the first failed write */
	int		 m_audio;	/* stream index or -1 */
	int64_t		 m_start_us;
	int64_t		 m_last_vms, m_last_ams;
	int64_t		 m_last_us;
	uint64_t	 m_frames;
	uint64_t	 m_bytes;
	int64_t		 m_pos, m_size;
};

struct demux {
	AVFormatContext	*d_fmt;
	AVIOContext	*d_io;
	AVPacket	*d_pkt;
	int		 d_fd;
	int		 d_video;
	int64_t		 d_start_us;
};

void
mux_quiet(void)
{
	av_log_set_level(AV_LOG_ERROR);
}

static int
io_write(void *arg, uint8_t *buf, int len)
{
	struct mux	*m = arg;
	ssize_t		 n;
	int		 off = 0;

	while (off < len) {
		if ((n = write(m->m_fd, buf + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			if (m->m_err == 0)
				m->m_err = errno;
			return AVERROR(errno);
		}
		off += n;
	}
	m->m_pos += len;
	if (m->m_pos > m->m_size)
		m->m_size = m->m_pos;
	return len;
}

static int64_t
io_wseek(void *arg, int64_t off, int whence)
{
	struct mux	*m = arg;
	off_t		 r;

	if (whence == AVSEEK_SIZE)
		return m->m_size;
	if ((r = lseek(m->m_fd, off, whence & ~AVSEEK_FORCE)) == -1)
		return AVERROR(errno);
	m->m_pos = r;
	return r;
}

static void
iso_time(int64_t us, char *buf, size_t sz)
{
	struct tm	tm;
	time_t		t = us / 1000000;

	gmtime_r(&t, &tm);
	snprintf(buf, sz, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(us % 1000000));
}

static void
mux_free(struct mux *m)
{
	if (m->m_fmt != NULL)
		avformat_free_context(m->m_fmt);
	if (m->m_io != NULL) {
		av_freep(&m->m_io->buffer);
		avio_context_free(&m->m_io);
	}
	if (m->m_fd != -1)
		close(m->m_fd);
	free(m);
}

struct mux *
mux_open(const char *path, int64_t start_us, int width, int height,
    int audio)
{
	struct mux	*m;
	AVStream	*st;
	AVDictionary	*opts = NULL;
	uint8_t		*buf;
	char		 when[96];

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->m_audio = -1;
	m->m_start_us = start_us;
	m->m_last_vms = m->m_last_ams = -1;
	if ((m->m_fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640)) == -1) {
		free(m);
		return NULL;
	}
	if ((buf = av_malloc(MUX_IOBUF)) == NULL ||
	    (m->m_io = avio_alloc_context(buf, MUX_IOBUF, 1, m, NULL,
	    io_write, io_wseek)) == NULL) {
		av_free(buf);
		goto fail;
	}
	if (avformat_alloc_output_context2(&m->m_fmt, NULL, "matroska",
	    NULL) < 0 || m->m_fmt == NULL)
		goto fail;
	m->m_fmt->pb = m->m_io;
	m->m_fmt->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
	iso_time(start_us, when, sizeof(when));
	av_dict_set(&m->m_fmt->metadata, "creation_time", when, 0);

	if ((st = avformat_new_stream(m->m_fmt, NULL)) == NULL)
		goto fail;
	st->time_base = (AVRational){ 1, 1000 };
	st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
	st->codecpar->codec_id = AV_CODEC_ID_MJPEG;
	st->codecpar->width = width;
	st->codecpar->height = height;
	if (audio) {
		if ((st = avformat_new_stream(m->m_fmt, NULL)) == NULL)
			goto fail;
		st->time_base = (AVRational){ 1, 1000 };
		st->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
		st->codecpar->codec_id = AV_CODEC_ID_PCM_ALAW;
		st->codecpar->sample_rate = 8000;
		av_channel_layout_default(&st->codecpar->ch_layout, 1);
		st->codecpar->bits_per_coded_sample = 8;
		st->codecpar->block_align = 1;
		m->m_audio = st->index;
	}
	av_dict_set(&opts, "cluster_time_limit", "1000", 0);
	if (avformat_write_header(m->m_fmt, &opts) < 0) {
		av_dict_free(&opts);
		goto fail;
	}
	av_dict_free(&opts);
	avio_flush(m->m_io);
	if (m->m_err != 0)
		goto fail;
	m->m_bytes = m->m_size;
	return m;
fail:
	if (m->m_err == 0)
		m->m_err = EIO;
	errno = m->m_err;
	unlink(path);
	mux_free(m);
	return NULL;
}

static int
mux_put(struct mux *m, int stream, const uint8_t *data, size_t len,
    int64_t ts_us, int64_t *last, int64_t dur)
{
	AVPacket	*pkt;
	int64_t		 ms;
	int		 rc;

	if (m->m_err != 0 || len == 0 || len > INT32_MAX) {
		errno = m->m_err ? m->m_err : EINVAL;
		return -1;
	}
	ms = (ts_us - m->m_start_us) / 1000;
	if (ms < 0)
		ms = 0;
	if (ms <= *last)
		ms = *last + 1;	/* each track strictly increasing */
	if ((pkt = av_packet_alloc()) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* Not copied: the muxer writes it out before returning. */
	pkt->data = (uint8_t *)(uintptr_t)data;
	pkt->size = len;
	pkt->stream_index = stream;
	pkt->pts = pkt->dts = ms;
	pkt->duration = dur;
	if (stream == 0)
		pkt->flags |= AV_PKT_FLAG_KEY;
	rc = av_write_frame(m->m_fmt, pkt);
	av_packet_free(&pkt);
	if (rc >= 0)
		avio_flush(m->m_io);
	if (rc < 0 || m->m_err != 0) {
		errno = m->m_err ? m->m_err : EIO;
		return -1;
	}
	*last = ms;
	m->m_bytes = m->m_size;
	return 0;
}

int
mux_video(struct mux *m, const uint8_t *jpeg, size_t len, int64_t ts_us)
{
	if (mux_put(m, 0, jpeg, len, ts_us, &m->m_last_vms, 0) == -1)
		return -1;
	m->m_frames++;
	m->m_last_us = ts_us;
	return 0;
}

int
mux_audio(struct mux *m, const uint8_t *data, size_t len, int64_t ts_us)
{
	if (m->m_audio == -1)
		return 0;
	/* ts is when the chunk arrived: its samples began before. */
	return mux_put(m, m->m_audio, data, len, ts_us - (int64_t)len * 125,
	    &m->m_last_ams, len / 8);
}

uint64_t
mux_bytes(const struct mux *m)
{
	return m->m_bytes;
}

uint64_t
mux_frames(const struct mux *m)
{
	return m->m_frames;
}

int64_t
mux_last_us(const struct mux *m)
{
	return m->m_last_us;
}

int
mux_has_audio(const struct mux *m)
{
	return m->m_audio != -1;
}

int
mux_close(struct mux *m)
{
	int	rc = 0;

	if (m->m_err == 0 && av_write_trailer(m->m_fmt) < 0)
		rc = -1;
	avio_flush(m->m_io);
	if (m->m_err != 0)
		rc = -1;
	if (rc == 0 && fsync(m->m_fd) == -1 && errno != EINVAL)
		rc = -1;
	mux_free(m);
	return rc;
}

/* Reading. */

static int
io_read(void *arg, uint8_t *buf, int len)
{
	struct demux	*d = arg;
	ssize_t		 n;

	while ((n = read(d->d_fd, buf, len)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return AVERROR(errno);
	return n == 0 ? AVERROR_EOF : (int)n;
}

static int64_t
io_rseek(void *arg, int64_t off, int whence)
{
	struct demux	*d = arg;
	struct stat	 st;
	off_t		 r;

	if (whence == AVSEEK_SIZE)
		return fstat(d->d_fd, &st) == -1 ? AVERROR(errno) : st.st_size;
	if ((r = lseek(d->d_fd, off, whence & ~AVSEEK_FORCE)) == -1)
		return AVERROR(errno);
	return r;
}

/* "YYYY-MM-DDTHH:MM:SS.ffffffZ" to microseconds; 0 if it is not that. */
static int64_t
parse_iso(const char *s)
{
	struct tm	tm;
	int		us = 0, n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return 0;
	if (s[n] == '.')
		sscanf(s + n + 1, "%6d", &us);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000000 + us;
}

void
demux_close(struct demux *d)
{
	if (d->d_pkt != NULL)
		av_packet_free(&d->d_pkt);
	if (d->d_fmt != NULL)
		avformat_close_input(&d->d_fmt);
	if (d->d_io != NULL) {
		av_freep(&d->d_io->buffer);
		avio_context_free(&d->d_io);
	}
	if (d->d_fd != -1)
		close(d->d_fd);
	free(d);
}

struct demux *
demux_open(const char *path)
{
	struct demux		*d;
	AVDictionaryEntry	*e;
	const AVInputFormat	*mkv;
	uint8_t			*buf;
	unsigned		 i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->d_video = -1;
	if ((d->d_fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		free(d);
		return NULL;
	}
	if ((buf = av_malloc(MUX_IOBUF)) == NULL ||
	    (d->d_io = avio_alloc_context(buf, MUX_IOBUF, 0, d, io_read,
	    NULL, io_rseek)) == NULL) {
		av_free(buf);
		goto fail;
	}
	if ((d->d_fmt = avformat_alloc_context()) == NULL ||
	    (d->d_pkt = av_packet_alloc()) == NULL)
		goto fail;
	d->d_fmt->pb = d->d_io;
	d->d_fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
	mkv = av_find_input_format("matroska");
	if (avformat_open_input(&d->d_fmt, NULL, mkv, NULL) < 0) {
		d->d_fmt = NULL;	/* freed by avformat_open_input */
		goto fail;
	}
	for (i = 0; i < d->d_fmt->nb_streams; i++)
		if (d->d_fmt->streams[i]->codecpar->codec_id ==
		    AV_CODEC_ID_MJPEG) {
			d->d_video = i;
			break;
		}
	if (d->d_video == -1)
		goto fail;
	if ((e = av_dict_get(d->d_fmt->metadata, "creation_time", NULL,
	    0)) != NULL)
		d->d_start_us = parse_iso(e->value);
	return d;
fail:
	errno = EINVAL;
	demux_close(d);
	return NULL;
}

int64_t
demux_start_us(const struct demux *d)
{
	return d->d_start_us;
}

int
demux_next(struct demux *d, const uint8_t **data, size_t *len,
    int64_t *ts_us)
{
	AVStream	*st;
	int		 rc;

	for (;;) {
		av_packet_unref(d->d_pkt);
		if ((rc = av_read_frame(d->d_fmt, d->d_pkt)) < 0)
			return rc == AVERROR_EOF || rc == AVERROR(EIO) ||
			    rc == AVERROR_INVALIDDATA ? 0 : -1;
		if (d->d_pkt->stream_index != d->d_video)
			continue;
		st = d->d_fmt->streams[d->d_video];
		*data = d->d_pkt->data;
		*len = d->d_pkt->size;
		*ts_us = d->d_start_us + av_rescale_q(d->d_pkt->pts,
		    st->time_base, (AVRational){ 1, 1000000 });
		return 1;
	}
}
