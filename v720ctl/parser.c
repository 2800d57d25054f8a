/*
 * Token tables for v720ctl's commands.  A word matches a keyword exactly
 * or as a unique prefix; when a prefix fits several keywords ("sh cam"
 * fits both "camera" and "cameras"), the one with which the rest of the
 * command line parses wins, so "sh cam" is "show cameras" and
 * "sh cam ID" is "show camera ID".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

enum token_type {
	NOTOKEN,	/* end of a table */
	ENDTOKEN,	/* the command may end here */
	KEYWORD,
	SETVAL,		/* a keyword that is also the ctl_set value */
	CAMID,
	FILENAME,
	HOSTPORT,
	SSID,
	PASSWORD,
};

struct token {
	enum token_type		 type;
	const char		*keyword;
	enum ctl_action		 action;	/* NONE: leave as is */
	int			 ival;		/* -1: leave value as is */
	const char		*arg;		/* ctl_set key */
	const struct token	*next;
};

#define END	{ ENDTOKEN, "", NONE, -1, NULL, NULL }
#define TABLE_END { NOTOKEN, "", NONE, -1, NULL, NULL }

static const struct token t_end[] = {
	END,
	TABLE_END
};

static const struct token t_camid[] = {
	{ CAMID, "ID", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_show[] = {
	{ KEYWORD, "cameras", SHOW_CAMERAS, -1, NULL, t_end },
	{ KEYWORD, "camera", SHOW_CAMERA, -1, NULL, t_camid },
	{ KEYWORD, "recordings", SHOW_RECORDINGS, -1, NULL, t_camid },
	{ KEYWORD, "events", SHOW_EVENTS, -1, NULL, t_camid },
	TABLE_END
};

static const struct token t_stream[] = {
	{ KEYWORD, "start", STREAM, 1, NULL, t_camid },
	{ KEYWORD, "stop", STREAM, 0, NULL, t_camid },
	TABLE_END
};

static const struct token t_filename[] = {
	{ FILENAME, "file", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_snapopt[] = {
	END,
	{ KEYWORD, "-o", NONE, -1, NULL, t_filename },
	TABLE_END
};

static const struct token t_snapshot[] = {
	{ CAMID, "ID", NONE, -1, NULL, t_snapopt },
	TABLE_END
};

static const struct token t_talkfile[] = {
	{ FILENAME, "FILE.wav", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_talk[] = {
	{ CAMID, "ID", NONE, -1, NULL, t_talkfile },
	TABLE_END
};

static const struct token t_irled[] = {
	{ SETVAL, "on", NONE, -1, NULL, t_end },
	{ SETVAL, "off", NONE, -1, NULL, t_end },
	{ SETVAL, "auto", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_flip[] = {
	{ SETVAL, "normal", NONE, -1, NULL, t_end },
	{ SETVAL, "horizontal", NONE, -1, NULL, t_end },
	{ SETVAL, "vertical", NONE, -1, NULL, t_end },
	{ SETVAL, "upside-down", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_onoff[] = {
	{ SETVAL, "on", NONE, -1, NULL, t_end },
	{ SETVAL, "off", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_grade[] = {
	{ SETVAL, "0", NONE, -1, NULL, t_end },
	{ SETVAL, "1", NONE, -1, NULL, t_end },
	{ SETVAL, "2", NONE, -1, NULL, t_end },
	{ SETVAL, "3", NONE, -1, NULL, t_end },
	{ SETVAL, "4", NONE, -1, NULL, t_end },
	{ SETVAL, "5", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_pirmode[] = {
	{ SETVAL, "0", NONE, -1, NULL, t_end },
	{ SETVAL, "1", NONE, -1, NULL, t_end },
	{ SETVAL, "2", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_confirm[] = {
	{ SETVAL, "confirm", NONE, -1, NULL, t_end },
	TABLE_END
};

/* Names as in caminfo_settings, '-' for '_'. */
static const struct token t_setkey[] = {
	{ KEYWORD, "ir-led", NONE, -1, "ir_led", t_irled },
	{ KEYWORD, "flip", NONE, -1, "flip", t_flip },
	{ KEYWORD, "status-led", NONE, -1, "status_led", t_onoff },
	{ KEYWORD, "motion-alert", NONE, -1, "motion_alert", t_onoff },
	{ KEYWORD, "video-quality", NONE, -1, "video_quality", t_grade },
	{ KEYWORD, "motion-sensitivity", NONE, -1, "motion_sensitivity",
	    t_grade },
	{ KEYWORD, "white-light", NONE, -1, "white_light", t_irled },
	{ KEYWORD, "sd-recording", NONE, -1, "sd_recording", t_onoff },
	{ KEYWORD, "pir-mode", NONE, -1, "pir_mode", t_pirmode },
	{ KEYWORD, "pir-sensitivity", NONE, -1, "pir_sensitivity", t_grade },
	{ KEYWORD, "sd-format", NONE, -1, "sd_format", t_confirm },
	{ KEYWORD, "ap-mode", NONE, -1, "ap_mode", t_confirm },
	{ KEYWORD, "wifi-scan", NONE, -1, "wifi_scan", t_confirm },
	TABLE_END
};

static const struct token t_set[] = {
	{ CAMID, "ID", NONE, -1, NULL, t_setkey },
	TABLE_END
};

static const struct token t_log[] = {
	{ KEYWORD, "verbose", LOG_LEVEL, 1, NULL, t_end },
	{ KEYWORD, "brief", LOG_LEVEL, 0, NULL, t_end },
	TABLE_END
};

static const struct token t_password[] = {
	{ PASSWORD, "PASSWORD", NONE, -1, NULL, t_end },
	TABLE_END
};

static const struct token t_ssid[] = {
	{ SSID, "SSID", NONE, -1, NULL, t_password },
	TABLE_END
};

static const struct token t_apcmd[] = {
	{ KEYWORD, "info", AP_INFO, -1, NULL, t_end },
	{ KEYWORD, "wifi", AP_WIFI, -1, NULL, t_ssid },
	TABLE_END
};

static const struct token t_aphost[] = {
	{ HOSTPORT, "host[:port]", NONE, -1, NULL, t_apcmd },
	TABLE_END
};

static const struct token t_ap[] = {
	{ KEYWORD, "-h", NONE, -1, NULL, t_aphost },
	{ KEYWORD, "info", AP_INFO, -1, NULL, t_end },
	{ KEYWORD, "wifi", AP_WIFI, -1, NULL, t_ssid },
	TABLE_END
};

static const struct token t_ptzmove[] = {
	{ KEYWORD, "left", NONE, PTZ_LEFT, NULL, t_end },
	{ KEYWORD, "right", NONE, PTZ_RIGHT, NULL, t_end },
	{ KEYWORD, "up", NONE, PTZ_UP, NULL, t_end },
	{ KEYWORD, "down", NONE, PTZ_DOWN, NULL, t_end },
	{ KEYWORD, "stop", NONE, PTZ_STOP, NULL, t_end },
	{ KEYWORD, "calibrate", NONE, PTZ_CALIBRATE, NULL, t_end },
	TABLE_END
};

static const struct token t_ptz[] = {
	{ CAMID, "ID", NONE, -1, NULL, t_ptzmove },
	TABLE_END
};

static const struct token t_main[] = {
	{ KEYWORD, "show", NONE, -1, NULL, t_show },
	{ KEYWORD, "stream", NONE, -1, NULL, t_stream },
	{ KEYWORD, "snapshot", SNAPSHOT, -1, NULL, t_snapshot },
	{ KEYWORD, "set", SET, -1, NULL, t_set },
	{ KEYWORD, "reboot", REBOOT, -1, NULL, t_camid },
	{ KEYWORD, "ptz", PTZ, -1, NULL, t_ptz },
	{ KEYWORD, "reload", RELOAD, -1, NULL, t_end },
	{ KEYWORD, "talk", TALK, -1, NULL, t_talk },
	{ KEYWORD, "log", NONE, -1, NULL, t_log },
	{ KEYWORD, "doctor", DOCTOR, -1, NULL, t_end },
	{ KEYWORD, "ap", NONE, -1, NULL, t_ap },
	TABLE_END
};

static struct parse_result	 result;
static char			 errbuf[256];
static int			 errargc;	/* words left where it arose */

int
valid_camid(const char *id)
{
	size_t	i, len = strlen(id);

	if (len == 0 || len >= V720_ID_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = id[i];

		if (!isascii(c) || (!isalnum(c) && c != '_' && c != '-'))
			return -1;
	}
	return 0;
}

/* IEEE 802.11 allows 32 bytes; control characters would be a typo. */
int
valid_ssid(const char *s)
{
	size_t	i, len = strlen(s);

	if (len == 0 || len > 32)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return -1;
	return 0;
}

/* A WPA passphrase is printable ASCII; the camera takes 8 to 36 of them. */
int
valid_password(const char *p)
{
	size_t	i, len = strlen(p);

	if (len < 8 || len > 36)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			return -1;
	return 0;
}

static int
is_keyword(const struct token *t)
{
	return t->type == KEYWORD || t->type == SETVAL;
}

/* "one of: a, b, c" for the keywords of a table. */
static void
expected(const struct token *table, char *buf, size_t bufsz)
{
	const struct token	*t;
	int			 n = 0;

	buf[0] = '\0';
	for (t = table; t->type != NOTOKEN; t++) {
		if (t->type == ENDTOKEN)
			continue;
		if (n++ > 0)
			strlcat(buf, ", ", bufsz);
		strlcat(buf, t->keyword, bufsz);
	}
}

static int
arg_ok(const struct token *t, const char *word)
{
	switch (t->type) {
	case CAMID:
		if (valid_camid(word) == -1) {
			snprintf(errbuf, sizeof(errbuf), "invalid camera id "
			    "\"%.40s\": 1 to %d letters, digits, '_' or '-'",
			    word, V720_ID_MAX - 1);
			return -1;
		}
		return 0;
	case SSID:
		if (valid_ssid(word) == -1) {
			snprintf(errbuf, sizeof(errbuf), "invalid Wi-Fi name: "
			    "1 to 32 bytes, no control characters");
			return -1;
		}
		return 0;
	case PASSWORD:
		if (valid_password(word) == -1) {
			snprintf(errbuf, sizeof(errbuf), "invalid Wi-Fi "
			    "password: the camera takes 8 to 36 printable "
			    "ASCII characters");
			return -1;
		}
		return 0;
	case FILENAME:
	case HOSTPORT:
		if (*word == '\0') {
			snprintf(errbuf, sizeof(errbuf), "empty %s",
			    t->keyword);
			return -1;
		}
		return 0;
	default:
		return -1;
	}
}

static void
apply(const struct token *t, const char *word, struct parse_result *res)
{
	if (t->action != NONE)
		res->action = t->action;
	if (t->ival != -1)
		res->value = t->ival;
	if (t->arg != NULL)
		res->key = t->arg;
	switch (t->type) {
	case SETVAL:
		res->setval = t->keyword;
		break;
	case CAMID:
		strlcpy(res->id, word, sizeof(res->id));
		break;
	case FILENAME:
		res->outfile = word;
		break;
	case HOSTPORT:
		res->host = word;
		break;
	case SSID:
		res->ssid = word;
		break;
	case PASSWORD:
		res->password = word;
		break;
	default:
		break;
	}
}

/*
 * Match argv against table and, recursively, the tables that follow.
 * Returns 0 with *res filled when the whole command line fits, else -1
 * with errbuf set.
 */
static int
match(const struct token *table, int argc, char *argv[],
    struct parse_result *res)
{
	const struct token	*t, *cand[16];
	struct parse_result	 try, found;
	char			 list[160], deepest[sizeof(errbuf)];
	const char		*word;
	size_t			 wlen;
	int			 ncand = 0, nok = 0, exact = 0, i;
	int			 deepargc = argc + 1;

	errargc = argc;
	if (argc == 0) {
		for (t = table; t->type != NOTOKEN; t++)
			if (t->type == ENDTOKEN)
				return 0;
		expected(table, list, sizeof(list));
		snprintf(errbuf, sizeof(errbuf), "missing argument, expected "
		    "%s", list);
		return -1;
	}
	word = argv[0];
	wlen = strlen(word);

	/* An exact keyword beats prefixes; options need the whole word. */
	for (t = table; t->type != NOTOKEN; t++) {
		if (!is_keyword(t) || strcmp(word, t->keyword) != 0)
			continue;
		cand[0] = t;
		ncand = exact = 1;
		break;
	}
	for (t = table; !exact && t->type != NOTOKEN; t++) {
		if (!is_keyword(t) || wlen == 0 || t->keyword[0] == '-')
			continue;
		if (strncmp(word, t->keyword, wlen) == 0 && ncand < 16)
			cand[ncand++] = t;
	}
	/* Free arguments only where no keyword fits. */
	for (t = table; ncand == 0 && t->type != NOTOKEN; t++) {
		if (is_keyword(t) || t->type == ENDTOKEN)
			continue;
		if (arg_ok(t, word) == -1)
			return -1;
		cand[ncand++] = t;
	}
	if (ncand == 0) {
		expected(table, list, sizeof(list));
		if (list[0] == '\0')
			snprintf(errbuf, sizeof(errbuf), "unexpected argument "
			    "\"%.40s\"", word);
		else
			snprintf(errbuf, sizeof(errbuf), "unknown argument "
			    "\"%.40s\", expected %s", word, list);
		return -1;
	}

	for (i = 0; i < ncand; i++) {
		try = *res;
		apply(cand[i], word, &try);
		if (match(cand[i]->next, argc - 1, argv + 1, &try) == 0) {
			found = try;
			nok++;
		} else if (errargc < deepargc) {
			/* Report the error of the reading that got furthest. */
			deepargc = errargc;
			strlcpy(deepest, errbuf, sizeof(deepest));
		}
	}
	if (nok == 1) {
		*res = found;
		return 0;
	}
	if (nok > 1 || (ncand > 1 && deepargc >= argc - 1)) {
		errargc = argc;
		snprintf(errbuf, sizeof(errbuf), "ambiguous argument "
		    "\"%.40s\"", word);
		return -1;
	}
	errargc = deepargc;
	strlcpy(errbuf, deepest, sizeof(errbuf));
	return -1;
}

struct parse_result *
parse(int argc, char *argv[])
{
	memset(&result, 0, sizeof(result));
	if (argc == 0) {
		fprintf(stderr, "usage: v720ctl [-j] [-s socket] command "
		    "[argument ...] (v720ctl help lists the commands)\n");
		return NULL;
	}
	if (match(t_main, argc, argv, &result) == -1) {
		fprintf(stderr, "v720ctl: %s\n", errbuf);
		return NULL;
	}
	return &result;
}

void
print_grammar(FILE *fp)
{
	fprintf(fp,
	    "usage: v720ctl [-j] [-s socket] command [argument ...]\n"
	    "commands:\n"
	    "  show cameras\n"
	    "  show camera ID\n"
	    "  show recordings ID\n"
	    "  show events ID\n"
	    "  stream start|stop ID\n"
	    "  snapshot ID [-o file.jpg]\n"
	    "  set ID ir-led on|off|auto\n"
	    "  set ID flip normal|horizontal|vertical|upside-down\n"
	    "  set ID status-led on|off\n"
	    "  reboot ID\n"
	    "  ptz ID left|right|up|down|stop|calibrate\n"
	    "  talk ID FILE.wav|-\n"
	    "  reload\n"
	    "  log verbose|brief\n"
	    "  doctor\n"
	    "  ap [-h host[:port]] info\n"
	    "  ap [-h host[:port]] wifi SSID PASSWORD\n");
}
