/* Diagnostics names and JSON objects, shared by v720-web and v720ctl. */
#include <stddef.h>
#include <string.h>

#include "chan.h"
#include "diaginfo.h"

const char *
diaginfo_stage(uint8_t s)
{
	switch (s) {
	case DIAG_BOOTSTRAP:	return "bootstrap";
	case DIAG_TCP:		return "tcp";
	case DIAG_REGISTERED:	return "registered";
	case DIAG_UDP:		return "udp";
	case DIAG_STREAMING:	return "streaming";
	default:		return "refused";
	}
}

const char *
diaginfo_kind(uint8_t k)
{
	switch (k) {
	case LISTEN_CAMERA_TCP:	return "camera-tcp";
	case LISTEN_CAMERA_UDP:	return "camera-udp";
	case LISTEN_BOOTSTRAP:	return "bootstrap";
	case LISTEN_CONTROL:	return "control";
	default:		return "web";
	}
}

const char *
diaginfo_lstate(uint8_t s)
{
	switch (s) {
	case DIAG_L_LISTENING:	return "listening";
	case DIAG_L_PAUSED:	return "paused";
	default:		return "down";
	}
}

int
diaginfo_check_source(const struct diag_source *ds)
{
	if (chan_strfield(ds->ds_addr, sizeof(ds->ds_addr)) == -1 ||
	    chan_strfield(ds->ds_uid, sizeof(ds->ds_uid)) == -1 ||
	    chan_strfield(ds->ds_hint, sizeof(ds->ds_hint)) == -1 ||
	    ds->ds_stage < DIAG_BOOTSTRAP || ds->ds_stage > DIAG_REFUSED ||
	    ds->ds_reason >= DIAG_R_MAX)
		return -1;
	return 0;
}

int
diaginfo_check_listener(const struct diag_listener *dl)
{
	if (chan_strfield(dl->dl_addr, sizeof(dl->dl_addr)) == -1 ||
	    dl->dl_kind < LISTEN_CAMERA_TCP || dl->dl_kind > LISTEN_WEB ||
	    dl->dl_state < DIAG_L_LISTENING || dl->dl_state > DIAG_L_DOWN)
		return -1;
	return 0;
}

void
diaginfo_source_json(struct jsonw *w, const struct diag_source *ds)
{
	jsonw_obj_open(w);
	jsonw_kstr(w, "address", ds->ds_addr);
	jsonw_key(w, "uid");
	if (ds->ds_uid[0] != '\0')
		jsonw_str(w, ds->ds_uid);
	else
		jsonw_null(w);
	jsonw_kstr(w, "stage", diaginfo_stage(ds->ds_stage));
	jsonw_kint(w, "seen", ds->ds_seen);
	jsonw_kstr(w, "hint", ds->ds_hint);
	jsonw_obj_close(w);
}

void
diaginfo_listener_json(struct jsonw *w, const struct diag_listener *dl)
{
	jsonw_obj_open(w);
	jsonw_kstr(w, "kind", diaginfo_kind(dl->dl_kind));
	jsonw_kstr(w, "address", dl->dl_addr);
	jsonw_key(w, "port");
	if (dl->dl_kind == LISTEN_CONTROL)
		jsonw_null(w);
	else
		jsonw_uint(w, dl->dl_port);
	jsonw_key(w, "tls");
	jsonw_bool(w, dl->dl_tls != 0);
	jsonw_kstr(w, "state", diaginfo_lstate(dl->dl_state));
	jsonw_obj_close(w);
}
