#include <stddef.h>
#include <string.h>

#include "caminfo.h"

const char *
caminfo_state(uint8_t s)
{
	switch (s) {
	case CAM_ONLINE:	return "online";
	case CAM_CONNECTING:	return "connecting";
	case CAM_STREAMING:	return "streaming";
	case CAM_STANDBY:	return "standby";
	default:		return "offline";
	}
}

const char *
caminfo_irled(uint8_t v)
{
	static const char *const names[] = { "off", "on", "auto" };

	return v < 3 ? names[v] : NULL;
}

/* mirrorFlip: 0 normal, 2 horizontal, 3 vertical, 4 upside-down (PROTOCOL.md). */
const char *
caminfo_flip(uint8_t v)
{
	switch (v) {
	case 0:		return "normal";
	case 2:		return "horizontal";
	case 3:		return "vertical";
	case 4:		return "upside-down";
	default:	return NULL;
	}
}

const char *
caminfo_onoff(uint8_t v)
{
	static const char *const names[] = { "off", "on" };

	return v < 2 ? names[v] : NULL;
}

#define GRADES	{ "0", "1", "2", "3", "4", "5" }, { 0, 1, 2, 3, 4, 5 }

const struct caminfo_setting caminfo_settings[] = {
	{ "ir_led", 202, "IrLed", 0, -1, { "off", "on", "auto" },
	    { 0, 1, 2 }, 0, "IR LED", NULL },
	{ "flip", 216, "mirrorFlip", 0, -1,
	    { "normal", "horizontal", "vertical", "upside-down" },
	    { 0, 2, 3, 4 }, 0, "Flip", NULL },
	{ "status_led", 210, "instLed", 0, -1, { "off", "on" }, { 0, 1 }, 0,
	    "Status LED", NULL },
	{ "motion_alert", 205, "moveAlert", 0, -1, { "off", "on" },
	    { 0, 1 }, 0, "Motion alert", NULL },
	{ "video_quality", 201, "speedGrade", CAMF_SPEEDGRADE, 0, GRADES, 0,
	    "Video quality", NULL },
	{ "motion_sensitivity", 206, "moveGrade", CAMF_MOVEGRADE, 1, GRADES,
	    0, "Motion sensitivity", NULL },
	{ "white_light", 220, "ledEI", CAMF_LEDEI, 2,
	    { "off", "on", "auto" }, { 0, 1, 2 }, 0, "White light", NULL },
	{ "sd_recording", 209, "sdCardReco", CAMF_SDCARDRECO, 3,
	    { "off", "on" }, { 0, 1 }, 0, "SD recording", NULL },
	{ "sd_format", 207, NULL, CAMF_SDCARDRECO, -1, { "confirm" }, { 0 },
	    0, "Format SD", "Erase the camera's SD card?" },
	{ "ap_mode", 208, NULL, CAMF_WIFINAME, -1, { "confirm" }, { 0 }, 0,
	    "AP mode", "Make the camera leave its Wi-Fi and open its own "
	    "access point? It will be offline here until set up again." },
	{ "wifi_scan", 211, NULL, CAMF_WIFINAME, -1, { "confirm" }, { 0 }, 0,
	    "Scan Wi-Fi", NULL },
	/* MQTT codes of the 56... family (PROTOCOL.md sections 10-11); over
	 * TCP 212 is the PTZ motor.  The camera's raw numbers. */
	{ "pir_mode", 212, "pirSysMode", CAMF_PIR, 4, { "0", "1", "2" },
	    { 0, 1, 2 }, 1, "PIR mode", NULL },
	{ "pir_sensitivity", 215, "pirGrade", CAMF_PIR, 5, GRADES, 1,
	    "PIR sensitivity", NULL },
};

const size_t caminfo_nsettings =
    sizeof(caminfo_settings) / sizeof(caminfo_settings[0]);

const struct caminfo_setting *
caminfo_setting(const char *key)
{
	size_t	i;

	for (i = 0; i < caminfo_nsettings; i++)
		if (strcmp(caminfo_settings[i].key, key) == 0)
			return &caminfo_settings[i];
	return NULL;
}

int
caminfo_has(const struct cam_info *ci, const struct caminfo_setting *s)
{
	return s->feature == 0 || (ci->ci_features & s->feature) != 0;
}

const char *
caminfo_setting_kind(const struct caminfo_setting *s)
{
	int	i;

	if (s->field == NULL)
		return "action";
	if (s->names[0] != NULL && strcmp(s->names[0], "off") == 0 &&
	    s->names[1] != NULL && strcmp(s->names[1], "on") == 0 &&
	    s->names[2] == NULL)
		return "switch";
	for (i = 0; i < CAMINFO_NVAL && s->names[i] != NULL; i++)
		if (strspn(s->names[i], "0123456789") != strlen(s->names[i]))
			return "choice";
	return "level";
}

int
caminfo_setting_value(const struct caminfo_setting *s, const char *v)
{
	int	i;

	for (i = 0; i < CAMINFO_NVAL && s->names[i] != NULL; i++)
		if (strcmp(s->names[i], v) == 0)
			return i;
	return -1;
}

const char *
caminfo_setting_name(const struct caminfo_setting *s, int v)
{
	int	i;

	for (i = 0; i < CAMINFO_NVAL && s->names[i] != NULL; i++)
		if (s->values[i] == v)
			return s->names[i];
	return NULL;
}

static void
ksetting(struct jsonw *w, const char *key, const char *v)
{
	jsonw_key(w, key);
	if (v == NULL)
		jsonw_null(w);
	else
		jsonw_str(w, v);
}

/*
 * What a client needs to draw a control for each setting and action
 * this camera has, so that a new row of the table needs no client code.
 */
static void
settings_json(struct jsonw *w, const struct cam_info *ci)
{
	const struct caminfo_setting	*s;
	size_t				 i;
	int				 v;

	jsonw_key(w, "settings");
	jsonw_arr_open(w);
	for (i = 0; i < caminfo_nsettings; i++) {
		s = &caminfo_settings[i];
		if (!caminfo_has(ci, s))
			continue;
		jsonw_obj_open(w);
		jsonw_kstr(w, "key", s->key);
		jsonw_kstr(w, "label", s->label);
		jsonw_kstr(w, "kind", caminfo_setting_kind(s));
		jsonw_key(w, "choices");
		jsonw_arr_open(w);
		for (v = 0; v < CAMINFO_NVAL && s->names[v] != NULL; v++)
			jsonw_str(w, s->names[v]);
		jsonw_arr_close(w);
		if (s->ask != NULL)
			jsonw_kstr(w, "ask", s->ask);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
}

void
caminfo_json(struct jsonw *w, const struct cam_info *ci, const char *name,
    uint8_t state, uint32_t viewers)
{
	const struct caminfo_setting	*s;
	size_t				 i;

	jsonw_kstr(w, "id", ci->ci_id);
	jsonw_kstr(w, "name", name);
	jsonw_kstr(w, "state", caminfo_state(state));
	jsonw_kstr(w, "address", ci->ci_address);
	jsonw_kstr(w, "firmware", ci->ci_firmware);
	jsonw_key(w, "battery");
	if (ci->ci_battery < 0 || ci->ci_battery > 100)
		jsonw_null(w);
	else
		jsonw_int(w, ci->ci_battery);
	jsonw_key(w, "fps");
	jsonw_double(w, ci->ci_fps_milli / 1000.0);
	jsonw_kuint(w, "frames", ci->ci_frames);
	jsonw_kuint(w, "dropped", ci->ci_dropped);
	jsonw_kuint(w, "viewers", viewers);
	jsonw_kint(w, "last_seen", ci->ci_last_seen);
	jsonw_kuint(w, "bytes", ci->ci_bytes);
	jsonw_kstr(w, "wifi", ci->ci_wifi);
	jsonw_key(w, "stream_always");
	jsonw_bool(w, ci->ci_stream_always);
	ksetting(w, "ir_led", caminfo_irled(ci->ci_ir_led));
	ksetting(w, "flip", caminfo_flip(ci->ci_flip));
	ksetting(w, "status_led", caminfo_onoff(ci->ci_status_led));
	ksetting(w, "motion_alert", caminfo_onoff(ci->ci_motion_alert));
	/* The others only for a camera that has them. */
	for (i = 0; i < caminfo_nsettings; i++) {
		s = &caminfo_settings[i];
		if (s->slot < 0 || !caminfo_has(ci, s))
			continue;
		ksetting(w, s->key, ci->ci_xset[s->slot] == CAM_SETTING_UNKNOWN ?
		    NULL : caminfo_setting_name(s, ci->ci_xset[s->slot]));
	}
	jsonw_key(w, "actions");
	jsonw_arr_open(w);
	for (i = 0; i < caminfo_nsettings; i++) {
		s = &caminfo_settings[i];
		if (s->field == NULL && caminfo_has(ci, s))
			jsonw_str(w, s->key);
	}
	jsonw_arr_close(w);
	settings_json(w, ci);
	/* The last Wi-Fi scan's networks, null before one came. */
	jsonw_key(w, "wifi_scan");
	if (!ci->ci_wifi_scanned)
		jsonw_null(w);
	else {
		jsonw_arr_open(w);
		for (i = 0; i < ci->ci_nwifi_scan && i <
		    sizeof(ci->ci_wifi_scan) / sizeof(ci->ci_wifi_scan[0]); i++)
			jsonw_str(w, ci->ci_wifi_scan[i]);
		jsonw_arr_close(w);
	}
	jsonw_key(w, "sd_total_mb");
	if (ci->ci_sd_total_mb < 0)
		jsonw_null(w);
	else
		jsonw_int(w, ci->ci_sd_total_mb);
	jsonw_key(w, "sd_free_mb");
	if (ci->ci_sd_free_mb < 0)
		jsonw_null(w);
	else
		jsonw_int(w, ci->ci_sd_free_mb);
	jsonw_key(w, "motion");
	jsonw_bool(w, ci->ci_motion);
	jsonw_key(w, "clock_offset_ms");
	if (!ci->ci_clock_known)
		jsonw_null(w);
	else
		jsonw_int(w, ci->ci_clock_offset_ms);
	jsonw_key(w, "recording");
	jsonw_bool(w, ci->ci_recording);
	jsonw_kuint(w, "dropped_recording", ci->ci_drop_rec);
	jsonw_kuint(w, "dropped_rtsp", ci->ci_drop_rtsp);
}
