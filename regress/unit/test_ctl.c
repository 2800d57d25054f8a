/* v720ctl's command grammar, argument checks and address parsing. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720ctl/v720ctl.h"

/* Parse a command line given as one string of space-separated words. */
static struct parse_result *
p(const char *line)
{
	static char	 buf[512];
	static char	*argv[32];
	int		 argc = 0;
	char		*w, *sp;

	strlcpy(buf, line, sizeof(buf));
	for (w = strtok_r(buf, " ", &sp); w != NULL && argc < 31;
	    w = strtok_r(NULL, " ", &sp))
		argv[argc++] = w;
	argv[argc] = NULL;
	return parse(argc, argv);
}

Test(ctl, show_commands_and_prefixes)
{
	struct parse_result *r;

	cr_assert_not_null(r = p("show cameras"));
	cr_assert_eq(r->action, SHOW_CAMERAS);
	cr_assert_not_null(r = p("sh cam"));
	cr_assert_eq(r->action, SHOW_CAMERAS);
	cr_assert_not_null(r = p("sh cam 0800c00128F8"));
	cr_assert_eq(r->action, SHOW_CAMERA);
	cr_assert_str_eq(r->id, "0800c00128F8");
	cr_assert_not_null(r = p("show camera cam_1-x"));
	cr_assert_str_eq(r->id, "cam_1-x");
}

Test(ctl, stream_snapshot_reboot_reload_log)
{
	struct parse_result *r;

	cr_assert_not_null(r = p("stream start abc"));
	cr_assert_eq(r->action, STREAM);
	cr_assert_eq(r->value, 1);
	cr_assert_not_null(r = p("st sto abc"));
	cr_assert_eq(r->value, 0);
	cr_assert_not_null(r = p("snapshot abc"));
	cr_assert_eq(r->action, SNAPSHOT);
	cr_assert_null(r->outfile);
	cr_assert_not_null(r = p("snap abc -o /tmp/x.jpg"));
	cr_assert_str_eq(r->outfile, "/tmp/x.jpg");
	cr_assert_not_null(r = p("reboot abc"));
	cr_assert_eq(r->action, REBOOT);
	cr_assert_not_null(r = p("reload"));
	cr_assert_eq(r->action, RELOAD);
	cr_assert_not_null(r = p("log verbose"));
	cr_assert_eq(r->action, LOG_LEVEL);
	cr_assert_eq(r->value, 1);
	cr_assert_not_null(r = p("log b"));
	cr_assert_eq(r->value, 0);
}

Test(ctl, set_keys_and_values_are_the_api_strings)
{
	struct parse_result *r;

	cr_assert_not_null(r = p("set abc ir-led auto"));
	cr_assert_eq(r->action, SET);
	cr_assert_str_eq(r->key, "ir_led");
	cr_assert_str_eq(r->setval, "auto");
	cr_assert_not_null(r = p("set abc fl up"));
	cr_assert_str_eq(r->key, "flip");
	cr_assert_str_eq(r->setval, "upside-down");
	cr_assert_not_null(r = p("set abc status-led off"));
	cr_assert_str_eq(r->key, "status_led");
	cr_assert_str_eq(r->setval, "off");
	/* "o" fits both "on" and "off". */
	cr_assert_null(p("set abc ir-led o"));
	cr_assert_null(p("set abc flip sideways"));
	cr_assert_null(p("set abc status-led auto"));
}

Test(ctl, bad_usage_is_refused)
{
	cr_assert_null(p("s"));			/* show stream snapshot set */
	cr_assert_null(p("show"));
	cr_assert_null(p("show camera"));
	cr_assert_null(p("reload now"));
	cr_assert_null(p("frobnicate"));
	cr_assert_null(p("snapshot abc -o"));
	cr_assert_null(p("show camera a/b"));
	cr_assert_null(p("show camera abcdefghijabcdefghijabcdefghij12"));
	cr_assert_not_null(p("show camera abcdefghijabcdefghijabcdefghij1"));
}

Test(ctl, ap_commands_and_wifi_checks)
{
	struct parse_result *r;

	cr_assert_not_null(r = p("ap info"));
	cr_assert_eq(r->action, AP_INFO);
	cr_assert_null(r->host);
	cr_assert_not_null(r = p("ap -h 127.0.0.1:23001 wifi Home 12345678"));
	cr_assert_eq(r->action, AP_WIFI);
	cr_assert_str_eq(r->host, "127.0.0.1:23001");
	cr_assert_str_eq(r->ssid, "Home");
	cr_assert_str_eq(r->password, "12345678");
	cr_assert_null(p("ap wifi Home 1234567"));
	cr_assert_not_null(p("ap wifi Home 123456789012345678901234567890123456"));
	cr_assert_null(p("ap wifi Home 1234567890123456789012345678901234567"));
	cr_assert_not_null(p("ap wifi 12345678901234567890123456789012 12345678"));
	cr_assert_null(p("ap wifi 123456789012345678901234567890123 12345678"));
	cr_assert_null(p("ap wifi Home"));
	cr_assert_eq(valid_password("pass\tword"), -1);
	cr_assert_eq(valid_ssid(""), -1);
}

Test(ctl, ap_host_and_port)
{
	char	host[64], port[8];

	cr_assert_eq(ap_split_hostport("192.168.169.1", host, sizeof(host),
	    port, sizeof(port)), 0);
	cr_assert_str_eq(host, "192.168.169.1");
	cr_assert_str_eq(port, "6123");
	cr_assert_eq(ap_split_hostport("127.0.0.1:23001", host, sizeof(host),
	    port, sizeof(port)), 0);
	cr_assert_str_eq(host, "127.0.0.1");
	cr_assert_str_eq(port, "23001");
	cr_assert_eq(ap_split_hostport("[::1]:7", host, sizeof(host),
	    port, sizeof(port)), 0);
	cr_assert_str_eq(host, "::1");
	cr_assert_str_eq(port, "7");
	cr_assert_eq(ap_split_hostport("fe80::1", host, sizeof(host),
	    port, sizeof(port)), 0);
	cr_assert_str_eq(host, "fe80::1");
	cr_assert_eq(ap_split_hostport("cam:0", host, sizeof(host), port,
	    sizeof(port)), -1);
	cr_assert_eq(ap_split_hostport("cam:70000", host, sizeof(host), port,
	    sizeof(port)), -1);
	cr_assert_eq(ap_split_hostport(":80", host, sizeof(host), port,
	    sizeof(port)), -1);
	cr_assert_eq(ap_split_hostport("[::1", host, sizeof(host), port,
	    sizeof(port)), -1);
}

Test(ctl, printable_and_names)
{
	char	out[8];

	ctl_printable(out, sizeof(out), "a\nb\033c", 5);
	cr_assert_str_eq(out, "a?b?c");
	ctl_printable(out, sizeof(out), "0123456789", 10);
	cr_assert_str_eq(out, "0123456");
	cr_assert_str_eq(flip_name(4), "upside-down");
	cr_assert_str_eq(irled_name(2), "auto");
	cr_assert_str_eq(state_name(CAM_STREAMING), "streaming");
	cr_assert_str_eq(onoff_name(CAM_SETTING_UNKNOWN), "unknown");
}
