/* Channels between sibling children; see sibling.h. */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "log.h"
#include "msg.h"
#include "sibling.h"

/* As the parent names them (ck_title in v720d/children.c). */
static const char *const sib_names[PROC_MAX] = {
	[PROC_ENGINE] = "camera engine",
	[PROC_WEB] = "v720-web",
	[PROC_MQTT] = "mqtt",
	[PROC_RECORDER] = "recorder",
	[PROC_RTSP] = "rtsp",
};

/* One channel per sibling process: the parent makes one per pair. */
struct sibling {
	struct chanev		*s_ce;		/* NULL: none yet */
	uint8_t			 s_proc;
	uint32_t		 s_gen;
	uint32_t		 s_sends;
	chanev_dispatch_cb	 s_dispatch;
	chanev_closed_cb	 s_closed;
	void			*s_arg;
};

static struct chanev	*sib_parent;
static struct sibling	 sibs[PROC_MAX];

static const char *
sib_name(const struct sibling *s)
{
	static char	buf[16];

	if (sib_names[s->s_proc] != NULL)
		return sib_names[s->s_proc];
	snprintf(buf, sizeof(buf), "process %u", s->s_proc);
	return buf;
}

void
sibling_init(struct chanev *parent)
{
	sib_parent = parent;
}

/* Log it and ask the parent to restart the sender. */
static void
sib_accuse(struct sibling *s, uint32_t type, const char *why)
{
	struct proc_accuse	pa;

	log_warnx("%s sent a bad message %u (%s): closing its channel, the "
	    "parent restarts it", sib_name(s), type, why);
	memset(&pa, 0, sizeof(pa));
	pa.pa_proc = s->s_proc;
	pa.pa_gen = s->s_gen;
	pa.pa_type = type;
	strlcpy(pa.pa_why, why, sizeof(pa.pa_why));
	if (sib_parent == NULL || chanev_compose(sib_parent, IMSG_PROC_ACCUSE,
	    0, -1, &pa, sizeof(pa)) == -1)
		log_warnx("cannot tell the parent about %s", sib_name(s));
}

static void
sib_dispatch(struct chanev *ce, struct chan_msg *m, void *arg)
{
	struct sibling	*s = arg;

	s->s_dispatch(ce, m, s->s_arg);
}

static void
sib_closed(struct chanev *ce, void *arg)
{
	struct sibling	*s = arg;

	if (ce->broken)
		sib_accuse(s, 0, "a malformed frame: size, flags or descriptor");
	s->s_closed(ce, s->s_arg);
}

int
sibling_open(struct chanev *ce, const struct chan_msg *m, uint32_t sends,
    chanev_dispatch_cb dispatch, chanev_closed_cb closed, void *arg)
{
	struct cfg_peer	 cp;
	struct sibling	*s;

	/* The caller checked the message; the parent is trusted. */
	if (m->len != sizeof(cp) || m->fd == -1)
		fatalx("%s: bad IMSG_CFG_PEER", __func__);
	memcpy(&cp, m->data, sizeof(cp));
	if (cp.cp_proc >= PROC_MAX)
		fatalx("%s: peer channel to process %u", __func__, cp.cp_proc);
	s = &sibs[cp.cp_proc];
	memset(s, 0, sizeof(*s));
	s->s_proc = cp.cp_proc;
	s->s_gen = m->hdr.ch_peerid;
	s->s_sends = sends;
	s->s_dispatch = dispatch;
	s->s_closed = closed;
	s->s_arg = arg;
	if (chanev_init(ce, m->fd, sib_dispatch, sib_closed, s) == -1)
		return -1;
	s->s_ce = ce;
	return 0;
}

void
sibling_bad(struct chanev *ce, const struct chan_msg *m, const char *fmt, ...)
{
	struct sibling	*s;
	va_list		 ap;
	char		 why[sizeof(((struct proc_accuse *)0)->pa_why)];
	size_t		 i;

	for (i = 0; i < PROC_MAX; i++)
		if (sibs[i].s_ce == ce)
			break;
	if (i == PROC_MAX)
		fatalx("%s: not a sibling channel", __func__);
	s = &sibs[i];
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (m->fd != -1)
		close(m->fd);
	sib_accuse(s, m->hdr.ch_type, why);
	chanev_shut(ce);
}

void
sibling_send_garbage(void)
{
	struct sibling	*s;
	size_t		 i;

	/*
	 * Say it and queue it for every sibling first, then write them all
	 * back to back: the first sibling to read its message gets this
	 * process killed, maybe before it got to the next one (t-18 beside a
	 * CPU hog: the engine read its message and the parent killed the
	 * recorder before it had even logged v720-web's).
	 */
	for (i = 0; i < PROC_MAX; i++) {
		s = &sibs[i];
		if (s->s_ce == NULL || !s->s_ce->active)
			continue;
		log_warnx("test hook: sending %s a malformed message %u",
		    sib_name(s), s->s_sends);
		chan_compose(&s->s_ce->c, s->s_sends, 0, -1, "bad", 3);
	}
	for (i = 0; i < PROC_MAX; i++) {
		s = &sibs[i];
		if (s->s_ce == NULL || !s->s_ce->active)
			continue;
		(void)chan_flush(&s->s_ce->c);
		chanev_update(s->s_ce);
	}
}

int
sibling_cam_media(struct chanev *ce, const struct chan_msg *m,
    struct cam_media *cm, size_t *lenp)
{
	if (m->len <= sizeof(*cm) || m->len - sizeof(*cm) > V720_FRAME_MAX) {
		sibling_bad(ce, m, "media message of %zu bytes", m->len);
		return -1;
	}
	memcpy(cm, m->data, sizeof(*cm));
	if (chan_strfield(cm->cm_id, sizeof(cm->cm_id)) == -1 ||
	    cm->cm_id[0] == '\0') {
		sibling_bad(ce, m, "media message without a camera");
		return -1;
	}
	*lenp = m->len - sizeof(*cm);
	return 0;
}

int
sibling_cam_info(struct chanev *ce, const struct chan_msg *m,
    struct cam_info *ci)
{
	size_t	i;

	if (m->len != sizeof(*ci)) {
		sibling_bad(ce, m, "CAM_STATE of %zu bytes", m->len);
		return -1;
	}
	memcpy(ci, m->data, sizeof(*ci));
	if (chan_strfield(ci->ci_id, sizeof(ci->ci_id)) == -1 ||
	    chan_strfield(ci->ci_name, sizeof(ci->ci_name)) == -1 ||
	    chan_strfield(ci->ci_address, sizeof(ci->ci_address)) == -1 ||
	    chan_strfield(ci->ci_firmware, sizeof(ci->ci_firmware)) == -1 ||
	    chan_strfield(ci->ci_wifi, sizeof(ci->ci_wifi)) == -1 ||
	    ci->ci_id[0] == '\0' || ci->ci_nwifi_scan >
	    sizeof(ci->ci_wifi_scan) / sizeof(ci->ci_wifi_scan[0]))
		goto bad;
	for (i = 0; i < ci->ci_nwifi_scan; i++)
		if (chan_strfield(ci->ci_wifi_scan[i],
		    sizeof(ci->ci_wifi_scan[i])) == -1)
			goto bad;
	return 0;
bad:
	sibling_bad(ce, m, "CAM_STATE with bad strings");
	return -1;
}

int
sibling_cam_gone(struct chanev *ce, const struct chan_msg *m,
    const char *what, struct ctl_id *cid)
{
	if (m->len != sizeof(*cid)) {
		sibling_bad(ce, m, "%s of %zu bytes", what, m->len);
		return -1;
	}
	memcpy(cid, m->data, sizeof(*cid));
	if (chan_strfield(cid->id, sizeof(cid->id)) == -1) {
		sibling_bad(ce, m, "%s without a camera", what);
		return -1;
	}
	return 0;
}
