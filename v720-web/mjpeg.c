/*
 * MJPEG fan-out and snapshots.  Each frame from the engine is copied
 * once into a reference-counted struct frame; every viewer's output
 * buffer points at it (evbuffer_add_reference), so 200 viewers cost one
 * copy.  A viewer with WEB_VW_BACKLOG frames not yet taken by its socket
 * skips new frames: its lag stays bounded and it never holds back the
 * others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proc.h"
#include "codec.h"
#include "web.h"

struct frame *
frame_new(const void *data, size_t len, uint64_t seq, uint64_t ts_ns)
{
	struct frame	*f;

	if ((f = malloc(sizeof(*f) + len)) == NULL)
		return NULL;
	f->f_ref = 1;
	f->f_seq = seq;
	f->f_ts_ns = ts_ns;
	f->f_recv_ns = proc_now_ns();
	f->f_recv_ms = f->f_recv_ns / 1000000;
	f->f_len = len;
	if (data != NULL)
		memcpy(f->f_data, data, len);
	return f;
}

struct frame *
frame_ref(struct frame *f)
{
	f->f_ref++;
	return f;
}

void
frame_unref(struct frame *f)
{
	if (f != NULL && --f->f_ref == 0)
		free(f);
}

void
frame_evbuffer_cleanup(const void *data, size_t len, void *arg)
{
	frame_unref(arg);
}

/* Account for bytes the socket took: frames done, their latency. */
void
viewer_progress(struct conn *c)
{
	unsigned long long	now = 0;
	int			done = 0;

	while (done < c->c_nbl && c->c_bl[done].bl_end <= c->c_written) {
		if (now == 0)
			now = proc_now_ns();
		if (c->c_bl[done].bl_ts_ns != 0 && now > c->c_bl[done].bl_ts_ns)
			metrics_latency(&web->w_lat,
			    now - c->c_bl[done].bl_ts_ns);
		if (now > c->c_bl[done].bl_recv_ns)
			metrics_latency(&web->w_send,
			    now - c->c_bl[done].bl_recv_ns);
		done++;
	}
	if (done == 0)
		return;
	memmove(&c->c_bl[0], &c->c_bl[done], (c->c_nbl - done) *
	    sizeof(c->c_bl[0]));
	c->c_nbl -= done;
}

static void
viewer_send(struct conn *c, struct frame *f)
{
	char	hdr[128];
	size_t	hlen;

	viewer_progress(c);
	if (c->c_nbl >= WEB_VW_BACKLOG) {
		c->c_skipped++;
		if (c->c_cam != NULL)
			c->c_cam->cam_skipped++;
		return;
	}
	if ((hlen = mjpeg_part_header(hdr, sizeof(hdr), f->f_len)) == 0 ||
	    evbuffer_add(c->c_out, hdr, hlen) == -1)
		goto fail;
	if (evbuffer_add_reference(c->c_out, f->f_data, f->f_len,
	    frame_evbuffer_cleanup, frame_ref(f)) == -1) {
		frame_unref(f);
		goto fail;
	}
	if (evbuffer_add(c->c_out, "\r\n", 2) == -1)
		goto fail;
	c->c_added += hlen + f->f_len + 2;
	c->c_bl[c->c_nbl].bl_end = c->c_added;
	c->c_bl[c->c_nbl].bl_ts_ns = f->f_ts_ns;
	c->c_bl[c->c_nbl].bl_recv_ns = f->f_recv_ns;
	c->c_nbl++;
	web->w_deliveries++;
	if (c->c_cam != NULL) {
		c->c_cam->cam_deliveries++;
		c->c_cam->cam_bytes_out += f->f_len;
	}
	conn_flush(c);
	return;
fail:
	log_warnx("%s: cannot queue a frame", c->c_peer);
	conn_close(c);
}

void
mjpeg_start(struct conn *c, struct cam *cam)
{
	if (reply_stream_head(c, "multipart/x-mixed-replace;boundary="
	    WEB_BOUNDARY) == -1)
		return;
	c->c_state = CS_MJPEG;
	c->c_cam = cam;
	c->c_nbl = 0;
	c->c_added = c->c_written + evbuffer_get_length(c->c_out);
	conn_stream_sndbuf(c);
	TAILQ_INSERT_TAIL(&cam->cam_mjpeg, c, c_camentry);
	conn_set_timeout(c, 30);	/* stall checks */
	log_debug("%s: MJPEG viewer of %s", c->c_peer, cam->cam_id);
	cam_viewers_changed(cam);
	/* Something to show at once, if it is recent. */
	if (cam->cam_frame != NULL && proc_now_ms() -
	    cam->cam_frame->f_recv_ms <= WEB_SNAP_FRESH_MS)
		viewer_send(c, cam->cam_frame);
	else
		conn_flush(c);
}

void
mjpeg_frame(struct cam *cam, struct frame *f)
{
	struct conn	*c, *tmp;
	int		 served = 0;
	unsigned long long	 now = proc_now_ns();

	frame_unref(cam->cam_frame);
	cam->cam_frame = frame_ref(f);
	f->f_recv_ms = now / 1000000;
	f->f_recv_ns = now;
	if (f->f_ts_ns != 0 && now > f->f_ts_ns)
		metrics_latency(&web->w_ingest, now - f->f_ts_ns);

	TAILQ_FOREACH_SAFE(c, &cam->cam_mjpeg, c_camentry, tmp)
		viewer_send(c, f);
	while ((c = TAILQ_FIRST(&cam->cam_snap)) != NULL) {
		TAILQ_REMOVE(&cam->cam_snap, c, c_camentry);
		c->c_cam = NULL;
		c->c_state = CS_WRITE;
		reply_frame(c, f);
		served = 1;
	}
	if (served)
		cam_viewers_changed(cam);
}

void
viewer_detach(struct conn *c)
{
	struct cam	*cam = c->c_cam;

	if (cam == NULL)
		return;
	switch (c->c_state) {
	case CS_MJPEG:
		TAILQ_REMOVE(&cam->cam_mjpeg, c, c_camentry);
		break;
	case CS_AUDIO:
		TAILQ_REMOVE(&cam->cam_audio, c, c_camentry);
		break;
	case CS_SNAP:
		TAILQ_REMOVE(&cam->cam_snap, c, c_camentry);
		break;
	default:
		fatalx("%s: connection in state %d on a camera", __func__,
		    c->c_state);
	}
	c->c_cam = NULL;
	cam_viewers_changed(cam);
}

/* Snapshot: the newest frame if fresh, else wait for the next one. */
void
snap_wait(struct conn *c, struct cam *cam)
{
	if (cam->cam_frame != NULL && proc_now_ms() -
	    cam->cam_frame->f_recv_ms <= WEB_SNAP_FRESH_MS) {
		reply_frame(c, cam->cam_frame);
		return;
	}
	c->c_state = CS_SNAP;
	c->c_cam = cam;
	TAILQ_INSERT_TAIL(&cam->cam_snap, c, c_camentry);
	conn_set_timeout(c, WEB_SNAP_TIMEOUT);
	cam_viewers_changed(cam);
	conn_update(c);
}

void
snap_timeout(struct conn *c)
{
	viewer_detach(c);
	c->c_state = CS_WRITE;
	reply_error(c, 504, "no frame from the camera in time");
}
