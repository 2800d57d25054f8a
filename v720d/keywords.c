/*
 * v720d.conf's keywords: a sorted table searched with bsearch, as in
 * OpenBSD daemons.  A keyword added here needs its %token in parse.y and
 * an entry in v720d.conf.5 (t-53 checks the latter from this table).
 */
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "parse.h"

struct keywords {
	const char	*k_name;
	int		 k_val;
};

static int
kw_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct keywords *)e)->k_name);
}

int
lookup(const char *s)
{
	/* Sorted for bsearch. */
	static const struct keywords keywords[] = {
		{ "accept",		ACCEPT },
		{ "address",		ADDRESS },
		{ "always",		ALWAYS },
		{ "bootstrap",		BOOTSTRAP },
		{ "broker",		BROKER },
		{ "camera",		CAMERA },
		{ "cameras",		CAMERAS },
		{ "certificate",	CERTIFICATE },
		{ "chroot",		CHROOT },
		{ "commands",		COMMANDS },
		{ "compatibility",	COMPATIBILITY },
		{ "connections",	CONNECTIONS },
		{ "control",		CONTROL },
		{ "day",		DAYS },
		{ "days",		DAYS },
		{ "discovery",		DISCOVERY },
		{ "encoder",		ENCODER },
		{ "h264",		H264 },
		{ "hour",		HOURS },
		{ "hours",		HOURS },
		{ "idle",		IDLE },
		{ "include",		INCLUDE },
		{ "keep",		KEEP },
		{ "key",		KEY },
		{ "listen",		LISTEN },
		{ "max",		MAX },
		{ "motion",		MOTION },
		{ "mqtt",		MQTT },
		{ "name",		NAME },
		{ "off",		OFF },
		{ "on",			ON },
		{ "on-demand",		DEMAND },
		{ "password",		PASSWORD },
		{ "per",		PER },
		{ "port",		PORT },
		{ "prefix",		TPREFIX },
		{ "record",		RECORD },
		{ "recordings",		RECORDINGS },
		{ "reject",		REJECT },
		{ "rtsp",		RTSP },
		{ "segment",		SEGMENT },
		{ "sensitivity",	SENSITIVITY },
		{ "server",		SERVER },
		{ "size",		SIZE },
		{ "socket",		SOCKET },
		{ "stream",		STREAM },
		{ "timeout",		TIMEOUT },
		{ "tls",		TLS },
		{ "topic",		TOPIC },
		{ "unknown",		UNKNOWN },
		{ "user",		USER },
		{ "web",		WEB },
	};
	const struct keywords	*p;

	p = bsearch(s, keywords, sizeof(keywords) / sizeof(keywords[0]),
	    sizeof(keywords[0]), kw_cmp);
	return p != NULL ? p->k_val : STRING;
}
