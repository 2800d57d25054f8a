/*
 * GET /api/diagnostics: the listeners and the camera engine's recent
 * sources.  The engine sends its table (IMSG_CAM_DIAG) whenever it
 * changed, at most twice a second; v720-web keeps the latest copy and
 * adds its own listeners, so the answer never waits for the engine.
 */
#include <stdlib.h>
#include <string.h>

#include "diaginfo.h"
#include "jsonw.h"
#include "log.h"
#include "web.h"

static struct diag_listener	elis[DIAG_LISTENERS_MAX];
static size_t			nelis;
static struct diag_source	srcs[DIAG_SOURCES_MAX];
static size_t			nsrcs;

/*
 * IMSG_CAM_DIAG: 0, or -1 if malformed (the copy kept is then the last
 * good one).
 */
int
diag_engine(const uint8_t *p, size_t len)
{
	struct diag_listener	dl;
	struct diag_source	ds;
	struct diag_head	h;
	const uint8_t		*q;
	size_t			i, need;

	if (len < sizeof(h))
		return -1;
	memcpy(&h, p, sizeof(h));
	if (h.dh_nlisteners > DIAG_LISTENERS_MAX ||
	    h.dh_nsources > DIAG_SOURCES_MAX)
		return -1;
	need = sizeof(h) + h.dh_nlisteners * sizeof(elis[0]) +
	    h.dh_nsources * sizeof(srcs[0]);
	if (len != need)
		return -1;
	q = p + sizeof(h);
	for (i = 0; i < h.dh_nlisteners; i++, q += sizeof(dl)) {
		memcpy(&dl, q, sizeof(dl));
		if (diaginfo_check_listener(&dl) == -1)
			return -1;
	}
	for (i = 0; i < h.dh_nsources; i++, q += sizeof(ds)) {
		memcpy(&ds, q, sizeof(ds));
		if (diaginfo_check_source(&ds) == -1)
			return -1;
	}
	p += sizeof(h);
	memcpy(elis, p, h.dh_nlisteners * sizeof(elis[0]));
	p += h.dh_nlisteners * sizeof(elis[0]);
	memcpy(srcs, p, h.dh_nsources * sizeof(srcs[0]));
	nelis = h.dh_nlisteners;
	nsrcs = h.dh_nsources;
	return 0;
}

static void
web_listener(struct listener *l, struct diag_listener *dl)
{
	memset(dl, 0, sizeof(*dl));
	dl->dl_kind = LISTEN_WEB;
	dl->dl_tls = l->l_cfg.cl_tls;
	dl->dl_port = l->l_cfg.cl_port;
	dl->dl_state = l->l_paused ? DIAG_L_PAUSED : DIAG_L_LISTENING;
	strlcpy(dl->dl_addr, l->l_cfg.cl_addr, sizeof(dl->dl_addr));
}

/* Our listeners to the engine, for v720ctl doctor. */
void
diag_send_listeners(void)
{
	struct diag_listener	 ls[DIAG_WEB_LISTENERS_MAX];
	struct listener		*l;
	size_t			 n = 0;

	TAILQ_FOREACH(l, &web->w_listeners, l_entry) {
		if (n == DIAG_WEB_LISTENERS_MAX)
			break;
		web_listener(l, &ls[n++]);
	}
	web_to_engine(IMSG_WEB_LISTENERS, ls, n * sizeof(ls[0]));
}

void
diag_reply(struct conn *c)
{
	struct diag_listener	 dl;
	struct listener		*l;
	struct jsonw		 w;
	const char		*s;
	size_t			 i, len;

	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_key(&w, "listeners");
	jsonw_arr_open(&w);
	for (i = 0; i < nelis; i++) {
		if (elis[i].dl_kind == LISTEN_WEB)
			continue;	/* ours, below, as they are now */
		dl = elis[i];
		if (!web->w_engine_up)
			dl.dl_state = DIAG_L_DOWN;
		diaginfo_listener_json(&w, &dl);
	}
	TAILQ_FOREACH(l, &web->w_listeners, l_entry) {
		web_listener(l, &dl);
		diaginfo_listener_json(&w, &dl);
	}
	jsonw_arr_close(&w);
	jsonw_key(&w, "recent");
	jsonw_arr_open(&w);
	for (i = 0; i < nsrcs; i++)
		diaginfo_source_json(&w, &srcs[i]);
	jsonw_arr_close(&w);
	jsonw_obj_close(&w);
	if ((s = jsonw_result(&w, &len)) == NULL)
		reply_error(c, 500, "cannot build the answer");
	else
		reply_json(c, 200, s, len);
	jsonw_free(&w);
}
