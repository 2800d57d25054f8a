/*
 * msglayout: print the layout of the wire structs the Python fakes
 * (mqttchild.py, fakeparent.py) build and read, as JSON, from the C
 * headers themselves: size, and per field its offset, size and type.
 * The fakes pack by field name through msglayout.py, so a field moved,
 * resized or added in common/msg.h changes what they send with it, and
 * a field renamed or of a new type stops this program from compiling.
 *
 *	{"cam_info":{"size":976,"fields":{"ci_id":{"off":0,"size":32,
 *	  "type":"str"},...}},...}
 *
 * Types: "str" (char array, NUL-padded), "i8".."u64", "u8[]" and the
 * like (an array of those), "str[]" (an array of char arrays), and a
 * struct's name with "[]" for an array of structs.
 */
#include <stddef.h>
#include <stdio.h>

#include "msg.h"

/*
 * The field's type, after array-to-pointer conversion (so a char array
 * is a char *).  No default: a type not listed here does not compile.
 */
#define FTYPE(x) _Generic((x),						\
	char *: "str",							\
	char (*)[33]: "str[]",						\
	int8_t: "i8", uint8_t: "u8", int16_t: "i16", uint16_t: "u16",	\
	int32_t: "i32", uint32_t: "u32", int64_t: "i64", uint64_t: "u64",\
	uint8_t *: "u8[]", int32_t *: "i32[]",				\
	struct proc_stat *: "proc_stat[]")

#define F(s, f)	{ #f, offsetof(struct s, f),				\
	sizeof(((struct s *)0)->f), FTYPE(((struct s *)0)->f) }

struct field {
	const char	*name;
	size_t		 off;
	size_t		 size;
	const char	*type;
};

struct layout {
	const char		*name;
	size_t			 size;
	const struct field	*fields;
	size_t			 nfields;
};

static const struct field cam_info[] = {
	F(cam_info, ci_id), F(cam_info, ci_name), F(cam_info, ci_address),
	F(cam_info, ci_firmware), F(cam_info, ci_wifi),
	F(cam_info, ci_state), F(cam_info, ci_stream_always),
	F(cam_info, ci_ir_led), F(cam_info, ci_flip),
	F(cam_info, ci_status_led), F(cam_info, ci_motion_alert),
	F(cam_info, ci_battery), F(cam_info, ci_viewers),
	F(cam_info, ci_fps_milli), F(cam_info, ci_last_seen),
	F(cam_info, ci_frames), F(cam_info, ci_bytes),
	F(cam_info, ci_dropped), F(cam_info, ci_drop_incomplete),
	F(cam_info, ci_drop_size), F(cam_info, ci_drop_jpeg),
	F(cam_info, ci_drop_toobig), F(cam_info, ci_drop_backlog),
	F(cam_info, ci_packets), F(cam_info, ci_packets_dup),
	F(cam_info, ci_packets_late), F(cam_info, ci_confirms),
	F(cam_info, ci_audio_chunks), F(cam_info, ci_stream_restarts),
	F(cam_info, ci_strangers), F(cam_info, ci_sd_total_mb),
	F(cam_info, ci_sd_free_mb), F(cam_info, ci_motion),
	F(cam_info, ci_mqtt), F(cam_info, ci_clock_known),
	F(cam_info, ci_recording), F(cam_info, ci_clock_offset_ms),
	F(cam_info, ci_drop_rec), F(cam_info, ci_features),
	F(cam_info, ci_xset), F(cam_info, ci_wifi_scanned),
	F(cam_info, ci_nwifi_scan), F(cam_info, ci_wifi_scan),
};
static const struct field cam_media[] = {
	F(cam_media, cm_id), F(cam_media, cm_seq), F(cam_media, cm_ts_ns),
	F(cam_media, cm_codec),
};
static const struct field ctl_id[] = {
	F(ctl_id, id),
};
static const struct field ctl_req[] = {
	F(ctl_req, id), F(ctl_req, value),
};
static const struct field ctl_set[] = {
	F(ctl_set, id), F(ctl_set, key), F(ctl_set, value),
};
static const struct field cfg_global[] = {
	F(cfg_global, cg_user), F(cfg_global, cg_server_addr),
	F(cfg_global, cg_control_path), F(cfg_global, cg_camera_port),
	F(cfg_global, cg_unknown_accept), F(cfg_global, cg_verbose),
	F(cfg_global, cg_idle_timeout), F(cfg_global, cg_cam_per_addr),
};
static const struct field cfg_listen[] = {
	F(cfg_listen, cl_kind), F(cfg_listen, cl_tls), F(cfg_listen, cl_port),
	F(cfg_listen, cl_addr),
};
static const struct field cfg_camera[] = {
	F(cfg_camera, cc_id), F(cfg_camera, cc_name),
	F(cfg_camera, cc_stream_always), F(cfg_camera, cc_record),
	F(cfg_camera, cc_motion), F(cfg_camera, cc_idle_timeout),
};
static const struct field cfg_webuser[] = {
	F(cfg_webuser, cw_name), F(cfg_webuser, cw_hash),
};
static const struct field cfg_weblimits[] = {
	F(cfg_weblimits, wl_conn_per_addr), F(cfg_weblimits, wl_compat_cmds),
};
static const struct field cfg_peer[] = {
	F(cfg_peer, cp_proc),
};
static const struct field proc_stat[] = {
	F(proc_stat, pr_name), F(proc_stat, pr_start),
	F(proc_stat, pr_restarts),
};
static const struct field proc_stats[] = {
	F(proc_stats, ps_parent_start), F(proc_stats, ps_proc),
};
static const struct field cfg_mqtt[] = {
	F(cfg_mqtt, cm_host), F(cfg_mqtt, cm_user), F(cfg_mqtt, cm_password),
	F(cfg_mqtt, cm_cam_host), F(cfg_mqtt, cm_cam_user),
	F(cfg_mqtt, cm_cam_password), F(cfg_mqtt, cm_discovery),
	F(cfg_mqtt, cm_prefix), F(cfg_mqtt, cm_port), F(cfg_mqtt, cm_cam_port),
	F(cfg_mqtt, cm_tls),
};
static const struct field mqtt_caminfo[] = {
	F(mqtt_caminfo, mi_id), F(mqtt_caminfo, mi_firmware),
	F(mqtt_caminfo, mi_wifi), F(mqtt_caminfo, mi_online),
	F(mqtt_caminfo, mi_battery), F(mqtt_caminfo, mi_sd_total_mb),
	F(mqtt_caminfo, mi_sd_free_mb), F(mqtt_caminfo, mi_ir_led),
	F(mqtt_caminfo, mi_status_led), F(mqtt_caminfo, mi_flip),
	F(mqtt_caminfo, mi_motion_alert), F(mqtt_caminfo, mi_features),
	F(mqtt_caminfo, mi_xset),
};
static const struct field web_forward[] = {
	F(web_forward, wf_id), F(web_forward, wf_json),
};
static const struct field proc_accuse[] = {
	F(proc_accuse, pa_proc), F(proc_accuse, pa_gen),
	F(proc_accuse, pa_type), F(proc_accuse, pa_why),
};
static const struct field mqtt_camsend[] = {
	F(mqtt_camsend, ms_id), F(mqtt_camsend, ms_json),
};

#define L(s)	{ #s, sizeof(struct s), s, sizeof(s) / sizeof(s[0]) }
static const struct layout layouts[] = {
	L(cam_info), L(cam_media), L(ctl_id), L(ctl_req), L(ctl_set), L(cfg_global),
	L(cfg_listen), L(cfg_camera), L(cfg_webuser), L(cfg_weblimits),
	L(cfg_peer),
	L(proc_stat), L(proc_stats), L(web_forward), L(cfg_mqtt),
	L(mqtt_caminfo), L(mqtt_camsend), L(proc_accuse),
};

int
main(void)
{
	const struct layout	*l;
	const struct field	*f;
	size_t			 i, j;

	putchar('{');
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		l = &layouts[i];
		printf("%s\n\"%s\":{\"size\":%zu,\"fields\":{", i ? "," : "",
		    l->name, l->size);
		for (j = 0; j < l->nfields; j++) {
			f = &l->fields[j];
			printf("%s\"%s\":{\"off\":%zu,\"size\":%zu,"
			    "\"type\":\"%s\"}", j ? "," : "", f->name, f->off,
			    f->size, f->type);
		}
		printf("}}");
	}
	printf("\n}\n");
	return ferror(stdout) || fflush(stdout) == EOF;
}
