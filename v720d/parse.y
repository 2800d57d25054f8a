/*
 * v720d.conf grammar, in the style of OpenBSD daemons.  The hand-written
 * lexer ($macros, -D macros, include) is in lex.c, the sorted keyword
 * table in keywords.c; the model the actions fill in is in config.c.
 * Errors are reported as "file:line: message" and parsing goes on to
 * find them all; the caller gets NULL if there was any.
 */

%{
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "lex.h"
#include "log.h"

static struct config	*conf;
static struct conf_camera *curcam;
static struct conf_broker *curbroker;

static int		 yyparse(void);
static int		 check_port(int64_t);
static int		 check_addr(const char *);
static int		 check_str(const char *, size_t, const char *);
static void		 set_listen(struct conf_listen *, const char *, int64_t);
static int		 broker_set(struct conf_broker *, const char *, int64_t);
static int64_t		 parse_size(const char *);
static int		 valid_encoder(const char *);

%}

%token	ACCEPT ADDRESS ALWAYS BOOTSTRAP CAMERA CAMERAS CERTIFICATE CHROOT
%token	COMMANDS COMPATIBILITY CONNECTIONS CONTROL DEMAND IDLE INCLUDE KEY LISTEN NAME ON PASSWORD PORT REJECT
%token	PER SERVER SOCKET STREAM TIMEOUT TLS UNKNOWN USER WEB
%token	BROKER DISCOVERY MQTT TPREFIX TOPIC
%token	DAYS HOURS KEEP MAX MOTION OFF RECORD RECORDINGS SEGMENT SENSITIVITY
%token	SIZE
%token	ENCODER H264 RTSP
%token	ERROR
%token	<v.string>	STRING
%token	<v.number>	NUMBER
%type	<v.number>	tlsopt port streammode mqttport timeunit bytesize recmode
%type	<v.string>	address
/* Strings dropped by error recovery are freed, not leaked. */
%destructor	{ free($$); } <v.string>

%%

grammar		: /* empty */
		| grammar '\n'
		| grammar include '\n'
		| grammar varset '\n'
		| grammar main '\n'
		| grammar camera '\n'
		| grammar mqtt '\n'
		| grammar rtsp '\n'
		| grammar error '\n'		{ lex_error(); }
		;

include		: INCLUDE STRING {
			if (lex_include($2) == -1) {
				yyerror("failed to include file %s", $2);
				YYERROR;	/* the destructor frees $2 */
			}
			free($2);
		}
		;

varset		: STRING '=' STRING {
			char	*s;

			for (s = $1; *s != '\0'; s++) {
				if (!isalnum((unsigned char)*s) && *s != '_') {
					yyerror("macro name may only hold "
					    "letters, digits and _: %s", $1);
					YYERROR;
				}
			}
			if (symset($1, $3, 0) == -1)
				fatal("cannot store macro");
			free($1);
			free($3);
		}
		;

port		: PORT NUMBER {
			if (check_port($2) == -1)
				YYERROR;
			$$ = $2;
		}
		;

address		: STRING {
			if (check_addr($1) == -1)
				YYERROR;
			$$ = $1;
		}
		| NUMBER {
			yyerror("invalid address: %lld", (long long)$1);
			YYERROR;
		}
		;

tlsopt		: /* empty */	{ $$ = 0; }
		| TLS		{ $$ = 1; }
		;

streammode	: DEMAND	{ $$ = 0; }
		| ALWAYS	{ $$ = 1; }
		;

timeunit	: DAYS		{ $$ = 86400; }
		| HOURS		{ $$ = 3600; }
		;

recmode		: ALWAYS	{ $$ = REC_ALWAYS; }
		| MOTION	{ $$ = REC_MOTION; }
		| OFF		{ $$ = REC_OFF; }
		;

bytesize	: NUMBER {
			if ($1 < 0) {
				yyerror("size must not be negative");
				YYERROR;
			}
			$$ = $1;
		}
		| STRING {
			if (($$ = parse_size($1)) == -1) {
				yyerror("invalid size \"%s\" (a number with "
				    "K, M, G or T)", $1);
				free($1);
				YYERROR;
			}
			free($1);
		}
		;

main		: USER STRING {
			if (check_str($2, sizeof(conf->user), "user") == 0)
				strlcpy(conf->user, $2, sizeof(conf->user));
			free($2);
		}
		| CHROOT STRING {
			if ($2[0] != '/')
				yyerror("chroot must be an absolute path");
			else if (check_str($2, sizeof(conf->chroot),
			    "chroot") == 0)
				strlcpy(conf->chroot, $2, sizeof(conf->chroot));
			free($2);
		}
		| CAMERA LISTEN ON address port {
			set_listen(&conf->camera, $4, $5);
			free($4);
		}
		| CAMERA CONNECTIONS PER ADDRESS NUMBER {
			if ($5 < 1 || $5 > CONF_MAX_CAM_PER_ADDR)
				yyerror("camera connections per address out of "
				    "range (1-%d)", CONF_MAX_CAM_PER_ADDR);
			else
				conf->cam_per_addr = $5;
		}
		| BOOTSTRAP LISTEN ON address port {
			set_listen(&conf->bootstrap, $4, $5);
			free($4);
		}
		| SERVER ADDRESS address {
			strlcpy(conf->server_addr, $3,
			    sizeof(conf->server_addr));
			free($3);
		}
		| WEB LISTEN ON address port tlsopt {
			struct conf_listen	*l;
			int			 n = 0;

			TAILQ_FOREACH(l, &conf->web, entry) {
				n++;
				if (strcmp(l->addr, $4) == 0 &&
				    l->port == $5)
					break;
			}
			if (l != NULL)
				yyerror("web listener %s port %lld given "
				    "twice", $4, (long long)$5);
			else if (n >= CONF_MAX_WEB_LISTEN)
				yyerror("too many web listeners (max %d)",
				    CONF_MAX_WEB_LISTEN);
			else {
				if ((l = calloc(1, sizeof(*l))) == NULL)
					fatal("calloc");
				set_listen(l, $4, $5);
				l->tls = $6;
				TAILQ_INSERT_TAIL(&conf->web, l, entry);
			}
			free($4);
		}
		| TLS CERTIFICATE STRING {
			if (check_str($3, sizeof(conf->tls_cert),
			    "certificate path") == 0)
				strlcpy(conf->tls_cert, $3,
				    sizeof(conf->tls_cert));
			free($3);
		}
		| TLS KEY STRING {
			if (check_str($3, sizeof(conf->tls_key),
			    "key path") == 0)
				strlcpy(conf->tls_key, $3,
				    sizeof(conf->tls_key));
			free($3);
		}
		| WEB USER STRING PASSWORD STRING {
			struct conf_webuser	*u;
			int			 n = 0;

			TAILQ_FOREACH(u, &conf->webusers, entry) {
				n++;
				if (strcmp(u->cw.cw_name, $3) == 0)
					break;
			}
			if (u != NULL)
				yyerror("web user %s given twice", $3);
			else if (n >= CONF_MAX_WEBUSERS)
				yyerror("too many web users");
			else if (check_str($3, sizeof(u->cw.cw_name),
			    "web user name") == 0 && check_str($5,
			    sizeof(u->cw.cw_hash), "password hash") == 0) {
				if ($3[0] == '\0' || strchr($3, ':') != NULL)
					yyerror("invalid web user name");
				else if ($5[0] != '$' ||
				    strchr($5 + 1, '$') == NULL)
					yyerror("password must be a crypt(3) "
					    "hash such as $2b$... or $6$...");
				else {
					if ((u = calloc(1, sizeof(*u))) == NULL)
						fatal("calloc");
					strlcpy(u->cw.cw_name, $3,
					    sizeof(u->cw.cw_name));
					strlcpy(u->cw.cw_hash, $5,
					    sizeof(u->cw.cw_hash));
					TAILQ_INSERT_TAIL(&conf->webusers, u,
					    entry);
				}
			}
			free($3);
			free($5);
		}
		| WEB SERVER NAME STRING {
			struct conf_webname	*wn;
			const char		*why;
			int			 n = 0;

			if (strlen($4) >= sizeof(wn->wn.wn_name))
				why = "must be 1-253 characters";
			else
				why = config_valid_webname($4);
			TAILQ_FOREACH(wn, &conf->webnames, entry) {
				n++;
				if (why == NULL &&
				    strcmp(wn->wn.wn_name, $4) == 0)
					break;
			}
			if (why != NULL)
				yyerror("web server name \"%s\" %s", $4, why);
			else if (wn != NULL)
				yyerror("web server name %s given twice", $4);
			else if (n >= CONF_MAX_WEBNAMES)
				yyerror("too many web server names (max %d)",
				    CONF_MAX_WEBNAMES);
			else {
				if ((wn = calloc(1, sizeof(*wn))) == NULL)
					fatal("calloc");
				strlcpy(wn->wn.wn_name, $4,
				    sizeof(wn->wn.wn_name));
				TAILQ_INSERT_TAIL(&conf->webnames, wn, entry);
			}
			free($4);
		}
		| WEB CONNECTIONS PER ADDRESS NUMBER {
			if ($5 < 1 || $5 > CONF_MAX_WEB_PER_ADDR)
				yyerror("web connections per address out of "
				    "range (1-%d)", CONF_MAX_WEB_PER_ADDR);
			else
				conf->web_per_addr = $5;
		}
		| WEB COMPATIBILITY COMMANDS ON	{ conf->web_compat_cmds = 1; }
		| WEB COMPATIBILITY COMMANDS OFF { conf->web_compat_cmds = 0; }
		| CONTROL SOCKET STRING {
			if ($3[0] != '/')
				yyerror("control socket must be an absolute "
				    "path");
			else if (check_str($3, sizeof(conf->control_path),
			    "control socket path") == 0)
				strlcpy(conf->control_path, $3,
				    sizeof(conf->control_path));
			free($3);
		}
		| UNKNOWN CAMERAS ACCEPT	{ conf->unknown_accept = 1; }
		| UNKNOWN CAMERAS REJECT	{ conf->unknown_accept = 0; }
		| STREAM streammode		{ conf->stream_always = $2; }
		| IDLE TIMEOUT NUMBER {
			if ($3 < 0 || $3 > CONF_MAX_IDLE)
				yyerror("idle timeout out of range "
				    "(0-%d s)", CONF_MAX_IDLE);
			else
				conf->idle_timeout = $3;
		}
		| RECORDINGS STRING {
			if ($2[0] != '/')
				yyerror("recordings must be an absolute path");
			else if (check_str($2, sizeof(conf->recordings),
			    "recordings path") == 0)
				strlcpy(conf->recordings, $2,
				    sizeof(conf->recordings));
			free($2);
		}
		| RECORD KEEP NUMBER timeunit {
			if ($3 < 0 || $3 > CONF_MAX_KEEP_DAYS * 86400 / $4)
				yyerror("record keep out of range (0-%d days)",
				    CONF_MAX_KEEP_DAYS);
			else
				conf->rec_keep_s = $3 * $4;
		}
		| RECORD MAX SIZE bytesize {
			conf->rec_max_bytes = $4;
		}
		| RECORD SEGMENT NUMBER {
			if ($3 < CONF_MIN_SEGMENT || $3 > CONF_MAX_SEGMENT)
				yyerror("record segment out of range (%d-%d s)",
				    CONF_MIN_SEGMENT, CONF_MAX_SEGMENT);
			else
				conf->rec_segment_s = $3;
		}
		;

mqtt		: MQTT BROKER STRING mqttport {
			curbroker = &conf->mqtt.broker;
			if (broker_set(curbroker, $3, $4) == 0)
				conf->mqtt.enabled = 1;
			free($3);
		} brokeropts
		| MQTT CAMERA BROKER STRING mqttport {
			curbroker = &conf->mqtt.cam;
			if (broker_set(curbroker, $4, $5) == 0)
				conf->mqtt.cam_set = 1;
			free($4);
		} brokeropts
		| MQTT DISCOVERY TPREFIX STRING {
			if (!config_valid_topic($4))
				yyerror("invalid mqtt discovery prefix \"%s\"",
				    $4);
			else
				strlcpy(conf->mqtt.discovery, $4,
				    sizeof(conf->mqtt.discovery));
			free($4);
		}
		| MQTT TOPIC TPREFIX STRING {
			if (!config_valid_topic($4))
				yyerror("invalid mqtt topic prefix \"%s\"", $4);
			else
				strlcpy(conf->mqtt.prefix, $4,
				    sizeof(conf->mqtt.prefix));
			free($4);
		}
		;

rtsp		: RTSP LISTEN ON address port {
			struct conf_listen	*l;
			int			 n = 0;

			TAILQ_FOREACH(l, &conf->rtsp, entry) {
				n++;
				if (strcmp(l->addr, strcmp($4, "*") == 0 ?
				    "0.0.0.0" : $4) == 0 && l->port == $5)
					break;
			}
			if (l != NULL)
				yyerror("rtsp listener %s port %lld given "
				    "twice", $4, (long long)$5);
			else if (n >= CONF_MAX_RTSP_LISTEN)
				yyerror("too many rtsp listeners (max %d)",
				    CONF_MAX_RTSP_LISTEN);
			else if ($5 > 65535 - (CONF_RTSP_UDP_PORTS - 1))
				yyerror("rtsp port %lld out of range (1-%d: "
				    "udp ports up to port + %d are used too)",
				    (long long)$5, 65535 -
				    (CONF_RTSP_UDP_PORTS - 1),
				    CONF_RTSP_UDP_PORTS - 1);
			else {
				if ((l = calloc(1, sizeof(*l))) == NULL)
					fatal("calloc");
				set_listen(l, $4, $5);
				TAILQ_INSERT_TAIL(&conf->rtsp, l, entry);
			}
			free($4);
		}
		| RTSP H264 ENCODER STRING {
			if (!valid_encoder($4))
				yyerror("invalid rtsp h264 encoder \"%s\": "
				    "1-%d letters, digits and _ (as ffmpeg "
				    "-encoders lists them)", $4,
				    V720_NAME_MAX - 1);
			else
				strlcpy(conf->rtsp_encoder, $4,
				    sizeof(conf->rtsp_encoder));
			free($4);
		}
		| RTSP CONNECTIONS PER ADDRESS NUMBER {
			if ($5 < 1 || $5 > CONF_MAX_RTSP_PER_ADDR)
				yyerror("rtsp connections per address out of "
				    "range (1-%d)", CONF_MAX_RTSP_PER_ADDR);
			else
				conf->rtsp_per_addr = $5;
		}
		;

mqttport	: /* empty */	{ $$ = CONF_DEFAULT_MQTTPORT; }
		| port		{ $$ = $1; }
		;

brokeropts	: /* empty */
		| brokeruser
		| brokeruser TLS	{ curbroker->tls = 1; }
		| TLS			{ curbroker->tls = 1; }
		;

brokeruser	: USER STRING {
			if (check_str($2, sizeof(curbroker->user),
			    "mqtt user") == 0)
				strlcpy(curbroker->user, $2,
				    sizeof(curbroker->user));
			free($2);
		}
		| USER STRING PASSWORD STRING {
			if (check_str($2, sizeof(curbroker->user),
			    "mqtt user") == 0 && check_str($4,
			    sizeof(curbroker->password), "mqtt password") == 0) {
				strlcpy(curbroker->user, $2,
				    sizeof(curbroker->user));
				strlcpy(curbroker->password, $4,
				    sizeof(curbroker->password));
			}
			explicit_bzero($4, strlen($4));
			free($2);
			free($4);
		}
		;

camera		: CAMERA STRING {
			struct conf_camera	*c;
			int			 n = 0;

			if (!config_valid_id($2)) {
				yyerror("invalid camera id \"%s\": 1-%d "
				    "letters, digits, - or _", $2,
				    V720_ID_MAX - 1);
				YYERROR;
			}
			TAILQ_FOREACH(c, &conf->cameras, entry) {
				n++;
				if (strcmp(c->cc.cc_id, $2) == 0)
					break;
			}
			if (c != NULL) {
				yyerror("camera %s defined twice", $2);
				YYERROR;
			}
			if (n >= CONF_MAX_CAMERAS) {
				yyerror("too many cameras");
				YYERROR;
			}
			if ((curcam = calloc(1, sizeof(*curcam))) == NULL)
				fatal("calloc");
			strlcpy(curcam->cc.cc_id, $2, sizeof(curcam->cc.cc_id));
			curcam->cc.cc_stream_always = conf->stream_always;
			curcam->cc.cc_motion = CONF_DEFAULT_MOTION;
			TAILQ_INSERT_TAIL(&conf->cameras, curcam, entry);
		} '{' optnl camopts_l '}' {
			/* $2 is freed here, or by the destructor on an error. */
			free($2);
			curcam = NULL;
		}
		;

optnl		: /* empty */
		| optnl '\n'
		;

camopts_l	: /* empty */
		| camopts_l camopt nl
		;

nl		: '\n' optnl
		;

camopt		: NAME STRING {
			if (check_str($2, sizeof(curcam->cc.cc_name),
			    "camera name") == 0)
				strlcpy(curcam->cc.cc_name, $2,
				    sizeof(curcam->cc.cc_name));
			free($2);
		}
		| STREAM streammode {
			curcam->cc.cc_stream_always = $2;
		}
		| IDLE TIMEOUT NUMBER {
			if ($3 < 0 || $3 > CONF_MAX_IDLE)
				yyerror("idle timeout out of range "
				    "(0-%d s)", CONF_MAX_IDLE);
			else {
				curcam->cc.cc_idle_timeout = $3;
				curcam->idle_set = 1;
			}
		}
		| RECORD recmode {
			curcam->cc.cc_record = $2;
		}
		| MOTION SENSITIVITY NUMBER {
			if ($3 < 1 || $3 > 10)
				yyerror("motion sensitivity out of range "
				    "(1-10)");
			else
				curcam->cc.cc_motion = $3;
		}
		| MOTION OFF {
			curcam->cc.cc_motion = 0;
		}
		;

%%

/* "20G", "512M", "100K", "1T" (powers of 1024) to bytes; -1 if not that. */
static int64_t
parse_size(const char *s)
{
	const char	*errstr;
	char		 num[24];
	size_t		 len = strlen(s);
	int64_t		 v, mul;

	if (len < 2 || len >= sizeof(num))
		return -1;
	switch (s[len - 1]) {
	case 'K': case 'k':
		mul = 1LL << 10;
		break;
	case 'M': case 'm':
		mul = 1LL << 20;
		break;
	case 'G': case 'g':
		mul = 1LL << 30;
		break;
	case 'T': case 't':
		mul = 1LL << 40;
		break;
	default:
		return -1;
	}
	memcpy(num, s, len - 1);
	num[len - 1] = '\0';
	v = strtonum(num, 0, (1LL << 60) / mul, &errstr);
	if (errstr != NULL)
		return -1;
	return v * mul;
}

/* A libavcodec encoder name: passed to a child, never to a shell. */
static int
valid_encoder(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return n > 0 && n < V720_NAME_MAX;
}

struct config *
parse_config(const char *filename, int missing_ok)
{
	struct config	*c;
	int		 errors;

	if ((conf = config_new()) == NULL)
		fatal("config_new");
	if (lex_open(filename, missing_ok) == -1) {
		if (missing_ok && errno == ENOENT) {
			/* No file at the default path: built-in defaults. */
			c = conf;
			conf = NULL;
			if (config_finish(c, filename) == -1) {
				config_free(c);
				return NULL;
			}
			return c;
		}
		config_free(conf);
		conf = NULL;
		return NULL;
	}

	yyparse();
	errors = lex_close();
	c = conf;
	conf = NULL;
	curcam = NULL;
	if (errors || config_finish(c, filename) == -1) {
		config_free(c);
		return NULL;
	}
	return c;
}

static int
check_port(int64_t p)
{
	if (p < 1 || p > 65535) {
		yyerror("port %lld out of range (1-65535)", (long long)p);
		return -1;
	}
	return 0;
}

static int
check_addr(const char *a)
{
	if (!config_valid_addr(a)) {
		yyerror("invalid address \"%s\": a numeric IPv4 or IPv6 "
		    "address, or *", a);
		return -1;
	}
	return 0;
}

static int
check_str(const char *s, size_t max, const char *what)
{
	if (strlen(s) >= max) {
		yyerror("%s too long (max %zu bytes)", what, max - 1);
		return -1;
	}
	return 0;
}

static int
broker_set(struct conf_broker *b, const char *host, int64_t port)
{
	if (!config_valid_host(host)) {
		yyerror("invalid mqtt broker \"%s\": a host name or a "
		    "numeric address", host);
		return -1;
	}
	memset(b, 0, sizeof(*b));
	strlcpy(b->host, host, sizeof(b->host));
	b->port = port;
	return 0;
}

static void
set_listen(struct conf_listen *l, const char *addr, int64_t port)
{
	strlcpy(l->addr, strcmp(addr, "*") == 0 ? "0.0.0.0" : addr,
	    sizeof(l->addr));
	l->port = port;
}
