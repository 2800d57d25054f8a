/*
 * v720ctl's command line grammar: token tables with prefix matching, in
 * the shape of relayctl's parser.
 */
#ifndef V720CTL_PARSER_H
#define V720CTL_PARSER_H

#include <stdio.h>

#include "msg.h"

enum ctl_action {
	NONE,
	SHOW_CAMERAS,
	SHOW_CAMERA,
	SHOW_RECORDINGS,
	SHOW_EVENTS,
	STREAM,
	SNAPSHOT,
	SET,
	REBOOT,
	PTZ,
	RELOAD,
	LOG_LEVEL,
	AP_INFO,
	AP_WIFI,
	TALK,
	DOCTOR,
};

struct parse_result {
	enum ctl_action	 action;
	char		 id[V720_ID_MAX];
	int		 value;		/* stream 1/0, log level 1/0, ptz move */
	const char	*key;		/* set: ctl_set key */
	const char	*setval;	/* set: ctl_set value */
	const char	*outfile;	/* snapshot -o; talk FILE ("-" stdin) */
	const char	*host;		/* ap -h */
	const char	*ssid;
	const char	*password;
};

/*
 * Parse argv (after the global options).  Returns the result, or NULL
 * after printing one line on stderr.
 */
struct parse_result	*parse(int argc, char *argv[]);
/* 0 if id is a plausible camera id: 1..V720_ID_MAX-1 of [A-Za-z0-9_-]. */
int			 valid_camid(const char *id);
/* 0 if the Wi-Fi name and password are acceptable to the camera. */
int			 valid_ssid(const char *);
int			 valid_password(const char *);
/* The grammar, one command a line, for usage messages. */
void			 print_grammar(FILE *);

#endif
