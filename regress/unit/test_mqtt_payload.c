/* v720d/mqtt/payload.c: the cameras' Status and Info, Home Assistant's commands. */
#include <string.h>

#include <criterion/criterion.h>

#include "caminfo.h"
#include "payload.h"

/* Frame 58 of vectors/capture-tcp.txt: the second Info, SD card read. */
static const char info58[] = "{\"apStatus\": 0,\"devPower\": 100,"
    "\"sdCapacity\": 60,\"IrLed\": 0,\"SD_freeDisk\": 35359,\"SD_blockDisk\": "
    "60334,\"cameraState\": 0,\"sd_State\": 1,\"sdMoveMode\": 0,"
    "\"sdCardReco\": 1,\"instLed\": 1,\"random\":\"HIJKLM\",\"token\":"
    "\"f8c7a5810f\",\"devicesCode\":\"0800c00128F8\",\"wifiName\":"
    "\"intl-laptop\",\"version\":\"202212011602\"}";

static struct mqtt_caminfo	mi;

static int
info(const char *s)
{
	return payload_info(s, strlen(s), &mi);
}

Test(mqtt_payload, capture_info)
{
	cr_assert_eq(info(info58), 0);
	cr_assert_str_eq(mi.mi_id, "0800c00128F8");
	cr_assert_str_eq(mi.mi_wifi, "intl-laptop");
	cr_assert_str_eq(mi.mi_firmware, "202212011602");
	cr_assert_eq(mi.mi_battery, 100);
	cr_assert_eq(mi.mi_sd_total_mb, 60334);
	cr_assert_eq(mi.mi_sd_free_mb, 35359);
	cr_assert_eq(mi.mi_ir_led, 0);
	cr_assert_eq(mi.mi_status_led, 1);
	cr_assert_eq(mi.mi_online, -1);
	cr_assert_eq(mi.mi_flip, -1);
	/* The capture's camera has an SD card and Wi-Fi, no ledEI. */
	cr_assert_eq(mi.mi_features, CAMF_SDCARDRECO | CAMF_WIFINAME);
	cr_assert_eq(mi.mi_xset[3], 1);
	cr_assert_eq(mi.mi_xset[2], -1);
	cr_assert_eq(mi.mi_xset[4], -1);
	cr_assert_eq(mi.mi_xset[5], -1);
}

/* The 56... family's PIR (PROTOCOL.md section 11): pirDevice is the
 * feature, pirSysMode and pirGrade its raw numbers. */
Test(mqtt_payload, pir_info)
{
	cr_assert_eq(info("{\"pirDevice\": 1,\"pirSysMode\": 2,"
	    "\"pirGrade\": 3,\"devicesCode\":\"5600c0000001\"}"), 0);
	cr_assert_eq(mi.mi_features, CAMF_PIR);
	cr_assert_eq(mi.mi_xset[4], 2);
	cr_assert_eq(mi.mi_xset[5], 3);
	/* Without pirDevice: the values, not the feature. */
	cr_assert_eq(info("{\"pirSysMode\": 1,"
	    "\"devicesCode\":\"5600c0000001\"}"), 0);
	cr_assert_eq(mi.mi_features, 0);
}

Test(mqtt_payload, capture_status)
{
	const char	s1[] = "{\"device\":\"0800c00128F8\",\"token\":"
	    "\"NAXCLOW\",\"status\": 1}";
	const char	s0[] = "{\"device\":\"0800c00128F8\",\"token\":"
	    "\"NAXCLOW\",\"status\": 0}";

	cr_assert_eq(payload_status(s1, strlen(s1), &mi), 0);
	cr_assert_str_eq(mi.mi_id, "0800c00128F8");
	cr_assert_eq(mi.mi_online, 1);
	cr_assert_eq(payload_status(s0, strlen(s0), &mi), 0);
	cr_assert_eq(mi.mi_online, 0);
	cr_assert_eq(payload_status("{\"device\":\"x\"}", 14, &mi), -1);
	cr_assert_eq(payload_status("{\"status\":1}", 12, &mi), -1);
}

Test(mqtt_payload, firmware_56_without_uid)
{
	cr_assert_eq(info("{\"pirDevice\": 1,\"devPower\": 80,\"IrLed\": 2,"
	    "\"instLed\": 0,\"wifiName\":\"net\",\"version\":\"202411051530\"}"),
	    0);
	cr_assert_str_eq(mi.mi_id, "");
	cr_assert_eq(mi.mi_battery, 80);
	cr_assert_eq(mi.mi_ir_led, 2);
	cr_assert_eq(mi.mi_sd_total_mb, -1);
}

Test(mqtt_payload, no_battery)
{
	cr_assert_eq(info("{\"devPower\": -1,\"devicesCode\":\"abc\"}"), 0);
	cr_assert_eq(mi.mi_battery, -1);
}

Test(mqtt_payload, hostile_info)
{
	char	big[MQTT_PAYLOAD_MAX + 64];

	/* Wrong types: a string, a bool, an object where numbers go. */
	cr_assert_eq(info("{\"devPower\":\"80\",\"devicesCode\":\"a\"}"), -1);
	cr_assert_eq(info("{\"devPower\":true,\"devicesCode\":\"a\"}"), -1);
	cr_assert_eq(info("{\"IrLed\":{},\"devicesCode\":\"a\"}"), -1);
	cr_assert_eq(info("{\"devPower\":50,\"devicesCode\":5}"), -1);
	cr_assert_eq(info("{\"wifiName\":7,\"devicesCode\":\"a\"}"), -1);
	/* Out of range, fractions, truncation, not an object. */
	cr_assert_eq(info("{\"devPower\":101,\"devicesCode\":\"a\"}"), -1);
	cr_assert_eq(info("{\"devPower\":5.5,\"devicesCode\":\"a\"}"), -1);
	cr_assert_eq(info("{\"IrLed\":3,\"devicesCode\":\"a\"}"), -1);
	cr_assert_eq(info("{\"mirrorFlip\":1,\"devicesCode\":\"a\"}"), -1);
	cr_assert_eq(info("{\"SD_freeDisk\":9,\"SD_blockDisk\":5}"), -1);
	cr_assert_eq(info("{\"devPower\": 80,\"devicesCode\":\"a\""), -1);
	cr_assert_eq(info("[1,2]"), -1);
	cr_assert_eq(info(""), -1);
	/* A uid that is a path, or too long; control bytes in a name. */
	cr_assert_eq(info("{\"devicesCode\":\"../etc\"}"), -1);
	cr_assert_eq(info("{\"devicesCode\":"
	    "\"0123456789012345678901234567890123\"}"), -1);
	cr_assert_eq(info("{\"wifiName\":\"a\\u0001\",\"devicesCode\":\"a\"}"),
	    -1);
	/* Too big to be read at all. */
	memset(big, ' ', sizeof(big));
	memcpy(big, info58, strlen(info58));
	cr_assert_eq(payload_info(big, sizeof(big), &mi), -1);
}

static struct ha_command	hc;

static int
cmd(const char *topic, const char *payload)
{
	return payload_command("v720d", topic, payload, strlen(payload), &hc);
}

Test(mqtt_payload, commands)
{
	cr_assert_eq(cmd("v720d/0800c00128F8/set/ir_led", "auto"), 0);
	cr_assert_eq(hc.hc_cmd, HA_CMD_SET);
	cr_assert_str_eq(hc.hc_id, "0800c00128F8");
	cr_assert_str_eq(hc.hc_key, "ir_led");
	cr_assert_str_eq(hc.hc_value, "auto");
	cr_assert_eq(cmd("v720d/x/set/flip", "upside-down"), 0);
	cr_assert_eq(cmd("v720d/x/set/status_led", "off"), 0);
	cr_assert_eq(cmd("v720d/x/set/motion_alert", "on"), 0);
	/* The optional settings of caminfo.c's table; a button "confirm". */
	cr_assert_eq(cmd("v720d/x/set/motion_sensitivity", "5"), 0);
	cr_assert_str_eq(hc.hc_key, "motion_sensitivity");
	cr_assert_str_eq(hc.hc_value, "5");
	cr_assert_eq(cmd("v720d/x/set/video_quality", "0"), 0);
	cr_assert_eq(cmd("v720d/x/set/white_light", "auto"), 0);
	cr_assert_eq(cmd("v720d/x/set/sd_recording", "off"), 0);
	cr_assert_eq(cmd("v720d/x/set/sd_format", "confirm"), 0);
	cr_assert_eq(hc.hc_cmd, HA_CMD_SET);
	cr_assert_str_eq(hc.hc_key, "sd_format");
	cr_assert_str_eq(hc.hc_value, "confirm");
	cr_assert_eq(cmd("v720d/x/set/ap_mode", "confirm"), 0);
	cr_assert_eq(cmd("v720d/x/reboot", "PRESS"), 0);
	cr_assert_eq(hc.hc_cmd, HA_CMD_REBOOT);
	cr_assert_eq(cmd("v720d/x/stream", "stop"), 0);
	cr_assert_eq(hc.hc_cmd, HA_CMD_STREAM);
	cr_assert_eq(hc.hc_stream, 0);
}

Test(mqtt_payload, hostile_commands)
{
	cr_assert_eq(cmd("v720d/x/set/ir_led", "purple"), -1);
	cr_assert_eq(cmd("v720d/x/set/ir_led", "auto "), -1);
	cr_assert_eq(cmd("v720d/x/set/flip", "on"), -1);
	cr_assert_eq(cmd("v720d/x/set/bogus", "on"), -1);
	cr_assert_eq(cmd("v720d/x/set/sd_format", "PRESS"), -1);
	cr_assert_eq(cmd("v720d/x/set/sd_format", ""), -1);
	cr_assert_eq(cmd("v720d/x/set/video_quality", "6"), -1);
	cr_assert_eq(cmd("v720d/x/set/white_light", "confirm"), -1);
	cr_assert_eq(cmd("v720d/x/set/ir_led/more", "on"), -1);
	cr_assert_eq(cmd("v720d/../set/ir_led", "on"), -1);
	cr_assert_eq(cmd("v720d//set/ir_led", "on"), -1);
	cr_assert_eq(cmd("v720dx/x/set/ir_led", "on"), -1);
	cr_assert_eq(cmd("other/x/set/ir_led", "on"), -1);
	cr_assert_eq(cmd("v720d/x/reboot", "now please"), -1);
	cr_assert_eq(cmd("v720d/x/reboot", ""), -1);
	/* An empty MQTT message: libmosquitto hands a NULL payload. */
	cr_assert_eq(payload_command("v720d", "v720d/x/reboot", NULL, 0, &hc),
	    -1);
	cr_assert_eq(payload_command("v720d", "v720d/x/set/ir_led", NULL, 0,
	    &hc), -1);
	cr_assert_eq(cmd("v720d/x/stream", "maybe"), -1);
	cr_assert_eq(payload_command("v720d", "v720d/x/set/ir_led", "on\0x", 4,
	    &hc), -1);
	cr_assert_eq(cmd("v720d/x/set/ir_led", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	    -1);
}
