/*
 * The data channel of one camera (PROTOCOL.md sections 4-6): code 11 on
 * TCP, 20/21 and 51 on UDP, probes (50), then 53, forward 298, forward 4
 * and forward 3; media in, 605s out; forward 0 after the idle timeout.
 *
 * Each step leaves the moment the answer it waits for arrives: 12 and 51
 * (the answers to 11) send the first probe, each probe's 51 the next one
 * and the last one's 53, 298 and 4, the base info (the answer to 4)
 * forward 3.  The engine's timer only enforces deadlines: every step has
 * one and a bounded number of retries, and a stream that stops
 * delivering frames while wanted is restarted.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "proc.h"
#include "media.h"
#include "model.h"
#include "diag.h"

static void	stream_frame(void *, const uint8_t *, size_t, uint64_t);
static void	stream_audio(void *, uint8_t, const uint8_t *, size_t,
		    uint64_t);
static uint8_t	*stream_frame_dst(void *, size_t);

static void	stream_open(struct camera *, uint64_t);
static void	stream_nat_reply(struct camera *, const struct camjson *);

static const struct media_cb	stream_cb = {
	stream_frame, stream_audio, stream_frame_dst
};

/* What consumer o asks of cam: zero until it asks. */
const struct cam_demand *
cam_demand(const struct camera *cam, const struct cam_observer *o)
{
	return &cam->cam_demand[obs_slot(o)];
}

/*
 * Consumer o asks d of cam: the sum of all they ask (cam_want) decides
 * the stream, its mode (mode.c) and ci_viewers; the stream follows now.
 * Each count is bounded by its consumer (a channel's message, checked),
 * the sum by UINT32_MAX.
 */
void
cam_demand_set(struct camera *cam, const struct cam_observer *o,
    const struct cam_demand *d, uint64_t now)
{
	uint64_t	viewers = 0, audio = 0;
	size_t		i;
	int		full = 0;

	cam->cam_demand[obs_slot(o)] = *d;
	for (i = 0; i < CAM_OBSERVERS_MAX; i++) {
		viewers += cam->cam_demand[i].cd_viewers;
		audio += cam->cam_demand[i].cd_audio;
		full |= cam->cam_demand[i].cd_full;
	}
	cam->cam_want.cd_viewers = viewers > UINT32_MAX ? UINT32_MAX : viewers;
	cam->cam_want.cd_audio = audio > UINT32_MAX ? UINT32_MAX : audio;
	cam->cam_want.cd_full = full;
	stream_update(cam, now);
}

/*
 * A user starts (on) or stops the stream by hand (v720-web, the MQTT
 * child, v720ctl); stopped, it ends now unless someone else wants it.
 */
void
stream_manual(struct camera *cam, int on, uint64_t now)
{
	cam->cam_manual = on;
	if (!on && !stream_wanted(cam))
		stream_stop(cam, 1);
	stream_update(cam, now);
	camera_changed(cam);
}

int
stream_wanted(const struct camera *cam)
{
	return cam->cam_conn != NULL && (cam->cam_want.cd_viewers > 0 ||
	    cam->cam_manual || cam->cam_snapwait > 0 ||
	    cam->cam_talk != NULL || cam->cam_info.ci_stream_always ||
	    cam->cam_record != REC_OFF);
}

static void
stream_set_state(struct camera *cam, enum stream_state ss)
{
	uint8_t	state;

	cam->cam_ss = ss;
	if (cam->cam_conn == NULL)
		state = relay_idle_state(cam);
	else if (ss == SS_IDLE)
		state = CAM_ONLINE;
	else if (ss == SS_STREAMING)
		state = CAM_STREAMING;
	else
		state = CAM_CONNECTING;
	if (ss != SS_IDLE && !cam->cam_active) {
		TAILQ_INSERT_TAIL(&model->m_active, cam, cam_active_entry);
		cam->cam_active = 1;
	} else if (ss == SS_IDLE && cam->cam_active) {
		TAILQ_REMOVE(&model->m_active, cam, cam_active_entry);
		cam->cam_active = 0;
	}
	if (state != cam->cam_info.ci_state) {
		cam->cam_info.ci_state = state;
		camera_changed(cam);
	}
}

static int
stream_send_nat(struct camera *cam)
{
	char	js[256];
	int	n;

	if ((n = camtcp_json_nat(js, sizeof(js), cam->cam_client)) == -1)
		return -1;
	return camera_send(cam, WIRE_CMD_JSON, js, n);
}

static void
stream_begin(struct camera *cam, uint64_t now)
{
	if (cam->cam_media == NULL &&
	    (cam->cam_media = media_new(&stream_cb, cam)) == NULL) {
		log_warn("camera %s: media_new", cam->cam_id);
		cam->cam_ss_next_try = now + STREAM_BACKOFF_MS;
		return;
	}
	media_reset(cam->cam_media);
	udp_peer_clear(cam);
	camtcp_clientid(cam->cam_client);
	cam->cam_nat_got = 0;
	cam->cam_talk_pkg = 0;		/* pkg_ids count per association */
	cam->cam_ss_retries = 0;
	cam->cam_ss_deadline = now + STREAM_STEP_MS;
	log_debug("camera %s: requesting a data channel", cam->cam_id);
	stream_set_state(cam, SS_NAT);
	if (stream_send_nat(cam) == -1)
		stream_stop(cam, 0);
}

void
stream_stop(struct camera *cam, int send_stop)
{
	if (cam->cam_ss == SS_IDLE)
		return;
	if (send_stop && cam->cam_conn != NULL) {
		log_info("camera %s: stopping the stream", cam->cam_id);
		camera_forward(cam, 0, NULL);
	}
	udp_peer_clear(cam);
	if (cam->cam_media != NULL)
		media_reset(cam->cam_media);
	cam->cam_unwanted_ms = 0;
	stream_set_state(cam, SS_IDLE);
}

static void
stream_fail(struct camera *cam, uint64_t now, const char *why)
{
	log_warnx("camera %s: data channel: %s; retrying in %d s",
	    cam->cam_id, why, STREAM_BACKOFF_MS / 1000);
	stream_stop(cam, 1);
	cam->cam_ss_next_try = now + STREAM_BACKOFF_MS;
}

void
stream_update(struct camera *cam, uint64_t now)
{
	if (cam->cam_conn == NULL) {
		stream_stop(cam, 0);
		return;
	}
	if (stream_wanted(cam)) {
		cam->cam_unwanted_ms = 0;
		if (cam->cam_ss == SS_IDLE && now >= cam->cam_ss_next_try)
			stream_begin(cam, now);
	} else if (cam->cam_ss != SS_IDLE && cam->cam_unwanted_ms == 0)
		cam->cam_unwanted_ms = now;
}

static void
stream_open(struct camera *cam, uint64_t now)
{
	char	js[64], extra[64];
	int	n;

	/* What the reference servers send once the probes are through. */
	if ((n = camtcp_json_devstatus(js, sizeof(js))) == -1 ||
	    camera_send(cam, WIRE_CMD_JSON, js, n) == -1 ||
	    camera_forward(cam, 298, NULL) == -1)
		return;
	snprintf(extra, sizeof(extra), ",\"unixTimer\":%lld",
	    (long long)time(NULL));
	if (camera_forward(cam, 4, extra) == -1)
		return;
	cam->cam_ss_deadline = now + STREAM_STEP_MS;
	stream_set_state(cam, SS_BASEINFO);
}

static void
stream_play(struct camera *cam, uint64_t now)
{
	int	mode = mode_wanted(cam);	/* 1, 2 or 3: mode.c */

	if (camera_forward(cam, mode, NULL) == -1)
		return;
	cam->cam_mode = mode;
	log_info("camera %s: streaming", cam->cam_id);
	cam->cam_stream_ms = cam->cam_last_frame_ms = now;
	cam->cam_got_frame = 0;
	cam->cam_nudge_ms = now + STREAM_NUDGE_MS;
	cam->cam_nudge_pkts = media_stats(cam->cam_media)->packets;
	stream_set_state(cam, SS_STREAMING);
}

static void
stream_confirm(struct camera *cam)
{
	uint8_t	buf[MEDIA_CONFIRM_MAX * 4];
	size_t	len;

	if (cam->cam_media != NULL &&
	    media_confirm_take(cam->cam_media, buf, sizeof(buf), &len) == 1)
		udp_send(cam, WIRE_CMD_CONFIRM, buf, len);
}

static void
stream_probe(struct camera *cam)
{
	char	js[32];
	int	n;

	if ((n = camtcp_json_probe(js, sizeof(js))) != -1)
		udp_send(cam, WIRE_CMD_JSON, js, n);
	cam->cam_probes++;
}

/*
 * The previous probe was answered (or its STREAM_PROBE_MS ran out, as
 * a camera need not answer): the next probe, or after the last one the
 * TCP steps.
 */
static void
stream_probe_next(struct camera *cam, uint64_t now)
{
	if (cam->cam_probes >= STREAM_PROBES) {
		stream_open(cam, now);
		return;
	}
	stream_probe(cam);
	cam->cam_probe_next = now + STREAM_PROBE_MS;
}

/* The camera answered 11 (12 on TCP, 51 on UDP): start probing. */
static void
stream_nat_done(struct camera *cam, uint64_t now)
{
	cam->cam_probes = 0;
	cam->cam_ss_deadline = now + STREAM_STEP_MS;
	stream_set_state(cam, SS_PROBE);
	stream_probe_next(cam, now);
}

/*
 * Like the reference servers, media.c confirms nothing before the first
 * complete frame.  A camera paces itself on 605s and resends only what
 * they leave out, so with one fragment lost from each of its first
 * frames it would stall ~2 s a frame and the stream might never start.
 * Until a first frame is complete, an empty 605 every STREAM_NUDGE_MS
 * (once media packets come in) tells it to resend its current frame.
 */
static void
stream_nudge(struct camera *cam, uint64_t now)
{
	const struct media_stats	*ms;

	if (cam->cam_got_frame || now < cam->cam_nudge_ms)
		return;
	ms = media_stats(cam->cam_media);
	if (ms->packets == cam->cam_nudge_pkts) {
		/* Nothing came in: not the camera's turn to resend. */
		return;
	}
	cam->cam_nudge_pkts = ms->packets;
	cam->cam_nudge_ms = now + STREAM_NUDGE_MS;
	udp_send(cam, WIRE_CMD_CONFIRM, NULL, 0);
}

void
stream_tick(uint64_t now, unsigned slot)
{
	struct camera	*cam, *tmp;
	uint64_t	 limit;

	TAILQ_FOREACH_SAFE(cam, &model->m_active, cam_active_entry, tmp) {
		if (cam->cam_slot != slot)
			continue;
		if (cam->cam_conn == NULL) {
			stream_stop(cam, 0);
			continue;
		}
		if (!stream_wanted(cam) && cam->cam_unwanted_ms != 0 &&
		    now - cam->cam_unwanted_ms >=
		    cam->cam_idle_timeout * 1000ULL) {
			log_info("camera %s: idle for %u s", cam->cam_id,
			    cam->cam_idle_timeout);
			stream_stop(cam, 1);
			continue;
		}
		switch (cam->cam_ss) {
		case SS_NAT:
			if (now < cam->cam_ss_deadline)
				break;
			if (cam->cam_nat_got & NAT_GOT_51) {
				/* The media peer is known; 12 is a nicety. */
				log_debug("camera %s: no code 12, probing "
				    "anyway", cam->cam_id);
				stream_nat_done(cam, now);
				break;
			}
			if (++cam->cam_ss_retries > STREAM_RETRIES) {
				stream_fail(cam, now, "no UDP probe answer");
				break;
			}
			log_debug("camera %s: no code 51 yet, asking again",
			    cam->cam_id);
			diag_note_addr(cam->cam_info.ci_address,
			    DIAG_REGISTERED, DIAG_R_NOUDP, cam->cam_id);
			cam->cam_ss_deadline = now + STREAM_STEP_MS;
			stream_send_nat(cam);
			break;
		case SS_PROBE:
			/* No 51 for the last probe in time: go on anyway. */
			if (now >= cam->cam_probe_next)
				stream_probe_next(cam, now);
			break;
		case SS_BASEINFO:
			/* The base info is nice to have, not needed. */
			if (now >= cam->cam_ss_deadline)
				stream_play(cam, now);
			break;
		case SS_STREAMING:
			media_tick(cam->cam_media, proc_now_ns());
			stream_confirm(cam);
			stream_nudge(cam, now);
			clock_tick(cam, now);
			/* On the tick, not per message: viewer and listener
			 * counts arrive one after the other. */
			mode_update(cam, now);
			/* The first frame may take a little longer. */
			limit = cam->cam_got_frame ? STREAM_WATCHDOG_MS :
			    STREAM_FIRST_MS;
			if (stream_wanted(cam) &&
			    now - cam->cam_last_frame_ms > limit) {
				log_warnx("camera %s: no frame for %llu s, "
				    "restarting the stream", cam->cam_id,
				    (unsigned long long)limit / 1000);
				cam->cam_info.ci_stream_restarts++;
				stream_stop(cam, 1);
				stream_begin(cam, now);
			}
			break;
		case SS_IDLE:
			break;
		}
	}
	/* Cameras waiting out a failed setup. */
	if (slot != 0)
		return;
	RB_FOREACH(cam, camera_tree, &model->m_cameras) {
		if (cam->cam_ss == SS_IDLE && cam->cam_ss_next_try != 0 &&
		    now >= cam->cam_ss_next_try) {
			cam->cam_ss_next_try = 0;
			stream_update(cam, now);
		}
	}
}

static void
set_u8(uint8_t *field, int64_t v, int64_t max, int *changed)
{
	if (v == CAMJ_UNSET || v < 0 || v > max || *field == v)
		return;
	*field = v;
	*changed = 1;
}

/*
 * Code 12, the TCP half of the camera's answer to 11.  Where it echoes
 * cliTarget/cliToken, they must be those of the 11 of this attempt: an
 * answer to an earlier one is stale.
 */
static void
stream_nat_reply(struct camera *cam, const struct camjson *j)
{
	log_debug("camera %s: NAT response, status %lld", cam->cam_id,
	    (long long)j->cj_status);
	if (cam->cam_ss != SS_NAT)
		return;
	if ((j->cj_has_cli_target &&
	    strcmp(j->cj_cli_target, cam->cam_client) != 0) ||
	    (j->cj_has_cli_token &&
	    strcmp(j->cj_cli_token, cam->cam_client) != 0)) {
		log_warnx("camera %s: code 12 for another request, ignored",
		    cam->cam_id);
		cam->cam_info.ci_strangers++;
		cam->cam_dirty = 1;
		return;
	}
	cam->cam_nat_got |= NAT_GOT_12;
	if (cam->cam_nat_got == (NAT_GOT_12 | NAT_GOT_51))
		stream_nat_done(cam, proc_now_ms());
}

/* A JSON message from a registered camera on its TCP connection. */
void
stream_camera_json(struct camera *cam, const struct camjson *j)
{
	struct cam_info	*ci = &cam->cam_info;
	size_t		 i;
	int		 changed = 0;

	switch (j->cj_code) {
	case 12:
		stream_nat_reply(cam, j);
		return;
	case 301:
		break;
	default:
		log_debug("camera %s: code %lld ignored", cam->cam_id,
		    (long long)j->cj_code);
		return;
	}
	if (!j->cj_has_content)
		return;
	set_u8(&ci->ci_ir_led, j->cj_irled, 2, &changed);
	set_u8(&ci->ci_flip, j->cj_flip, 4, &changed);
	set_u8(&ci->ci_status_led, j->cj_instled, 1, &changed);
	set_u8(&ci->ci_motion_alert, j->cj_movealert, 1, &changed);
	if ((ci->ci_features | j->cj_features) != ci->ci_features) {
		ci->ci_features |= j->cj_features;
		changed = 1;
	}
	for (i = 0; i < CAMINFO_NXSET; i++)
		set_u8(&ci->ci_xset[i], j->cj_xset[i], 5, &changed);
	if (j->cj_wifiscan_ok) {
		memset(ci->ci_wifi_scan, 0, sizeof(ci->ci_wifi_scan));
		for (i = 0; i < j->cj_nwifiscan &&
		    i < sizeof(ci->ci_wifi_scan) / sizeof(ci->ci_wifi_scan[0]);
		    i++)
			strlcpy(ci->ci_wifi_scan[i], j->cj_wifiscan[i],
			    sizeof(ci->ci_wifi_scan[i]));
		ci->ci_nwifi_scan = (uint8_t)i;
		ci->ci_wifi_scanned = 1;
		changed = 1;
	}
	if (j->cj_power != CAMJ_UNSET && j->cj_power >= 0 &&
	    j->cj_power <= 100 && ci->ci_battery != j->cj_power) {
		ci->ci_battery = j->cj_power;
		changed = 1;
	}
	if (j->cj_version[0] != '\0' &&
	    strcmp(ci->ci_firmware, j->cj_version) != 0) {
		strlcpy(ci->ci_firmware, j->cj_version,
		    sizeof(ci->ci_firmware));
		changed = 1;
	}
	if (j->cj_wifi[0] != '\0' && strcmp(ci->ci_wifi, j->cj_wifi) != 0) {
		strlcpy(ci->ci_wifi, j->cj_wifi, sizeof(ci->ci_wifi));
		changed = 1;
	}
	log_debug("camera %s: forward %lld answered", cam->cam_id,
	    (long long)j->cj_fcode);
	if (j->cj_fcode == 299)
		log_info("camera %s: rebooting", cam->cam_id);
	if (changed)
		camera_changed(cam);
	if (j->cj_fcode == 4 && cam->cam_ss == SS_BASEINFO)
		stream_play(cam, proc_now_ms());
}

/*
 * Code 51 naming this camera from (addr, port), which udp.c has checked
 * is the address of its TCP connection; from_peer: the pair is already
 * its media peer.  While waiting for the answers to 11 the pair becomes
 * the media peer; while probing, the peer's 51 answers the last probe.
 * At any other time it is ignored, so nobody can redirect a running
 * stream by naming a uid.
 */
void
stream_udp_probe(struct camera *cam, const struct sockaddr *sa,
    socklen_t salen, int fd, int from_peer)
{
	uint64_t	now = proc_now_ms();

	switch (cam->cam_ss) {
	case SS_NAT:
		if (!(cam->cam_nat_got & NAT_GOT_51) || !from_peer) {
			udp_peer_set(cam, sa, salen, fd);
			log_debug("camera %s: UDP peer learned", cam->cam_id);
			diag_note(sa, salen, DIAG_UDP, DIAG_R_NONE, cam->cam_id);
		}
		cam->cam_nat_got |= NAT_GOT_51;
		if (cam->cam_nat_got == (NAT_GOT_12 | NAT_GOT_51))
			stream_nat_done(cam, now);
		break;
	case SS_PROBE:
		if (!from_peer) {
			/* Another port: an earlier association's. */
			cam->cam_info.ci_strangers++;
			cam->cam_dirty = 1;
			break;
		}
		stream_probe_next(cam, now);
		break;
	default:
		break;
	}
}

void
stream_media(struct camera *cam, const struct wire_hdr *h,
    const uint8_t *p, size_t len, uint64_t now_ns)
{
	if (cam->cam_ss < SS_PROBE || cam->cam_media == NULL)
		return;
	if (media_packet(cam->cam_media, h, p, len, now_ns) == 1)
		stream_confirm(cam);
}

/* The frame about to be passed on is frame_seq + 1 (stream_frame). */
static uint8_t *
stream_frame_dst(void *arg, size_t len)
{
	struct camera	*cam = arg;

	return obs_frame_buf(cam, cam->cam_frame_seq + 1);
}

static void
stream_frame(void *arg, const uint8_t *jpeg, size_t len, uint64_t ts_ns)
{
	struct camera		*cam = arg;
	struct cam_info		*ci = &cam->cam_info;
	struct cam_media	 cm;
	struct cam_frame	 f;
	uint8_t			*nb;

	ci->ci_frames++;
	ci->ci_bytes += len;
	cam->cam_last_frame_ms = proc_now_ms();
	if (!cam->cam_got_frame)
		diag_note_addr(ci->ci_address, DIAG_STREAMING, DIAG_R_NONE,
		    cam->cam_id);
	cam->cam_got_frame = 1;

	memset(&cm, 0, sizeof(cm));
	strlcpy(cm.cm_id, cam->cam_id, sizeof(cm.cm_id));
	cm.cm_seq = ++cam->cam_frame_seq;
	cm.cm_ts_ns = ts_ns;
	cm.cm_codec = WIRE_CMD_JPEG;
	f.cf_cm = &cm;
	f.cf_data = jpeg;
	f.cf_len = len;
	f.cf_snapshot = cam->cam_snapwait > 0;
	obs_frame(cam, &f);

	/*
	 * Snapshots: waiters got this frame from obs_frame(); a copy at
	 * most once a second serves one whose camera stalls (copying every
	 * frame of every camera would cost more than the rest of this path).
	 */
	if (cam->cam_jpeg != NULL &&
	    cam->cam_last_frame_ms - cam->cam_jpeg_ms < SNAPSHOT_KEEP_MS)
		return;
	if (len > cam->cam_jpeg_len || cam->cam_jpeg == NULL) {
		if ((nb = realloc(cam->cam_jpeg, len)) == NULL) {
			log_warn("%s", __func__);
			return;
		}
		cam->cam_jpeg = nb;
	}
	memcpy(cam->cam_jpeg, jpeg, len);
	cam->cam_jpeg_len = len;
	cam->cam_jpeg_ms = cam->cam_last_frame_ms;
}

static void
stream_audio(void *arg, uint8_t codec, const uint8_t *data, size_t len,
    uint64_t ts_ns)
{
	struct camera		*cam = arg;
	struct cam_media	 cm;
	struct cam_frame	 f;

	/* Audio only: audio is what the watchdog waits for. */
	if (cam->cam_mode == 1) {
		cam->cam_last_frame_ms = proc_now_ms();
		cam->cam_got_frame = 1;
	}
	memset(&cm, 0, sizeof(cm));
	strlcpy(cm.cm_id, cam->cam_id, sizeof(cm.cm_id));
	cm.cm_seq = ++cam->cam_audio_seq;
	cm.cm_ts_ns = ts_ns;
	cm.cm_codec = codec;
	memset(&f, 0, sizeof(f));
	f.cf_cm = &cm;
	f.cf_data = data;
	f.cf_len = len;
	obs_audio(cam, &f);
}

void
stream_free(struct camera *cam)
{
	talk_free(cam);
	udp_peer_clear(cam);
	if (cam->cam_active) {
		TAILQ_REMOVE(&model->m_active, cam, cam_active_entry);
		cam->cam_active = 0;
	}
	cam->cam_ss = SS_IDLE;
	if (cam->cam_media != NULL)
		media_free(cam->cam_media);
	cam->cam_media = NULL;
}
