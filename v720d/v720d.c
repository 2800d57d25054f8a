/* v720d: replacement server for A9 "V720" cameras.  main() of the parent
 * and, with the hidden -E flag, of the camera engine child. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "engine/engine.h"
#include "log.h"
#include "parent.h"
#include "proc.h"

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: %s [-dnv] [-D macro=value] [-f file]\n",
	    getprogname());
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct parent_opts	 opts;
	struct config		*conf;
	const char		*user = PROC_DEFAULT_USER;
	const char		*root = PROC_DEFAULT_CHROOT;
	int			 ch, noaction = 0, engine = 0;

	memset(&opts, 0, sizeof(opts));
	opts.conffile = CONF_DEFAULT_FILE;
	opts.conffile_default = 1;
	proc_title_init(argc, argv);
	log_init(1, LOG_DAEMON);

	while ((ch = getopt(argc, argv, "C:D:dEf:nu:v")) != -1) {
		switch (ch) {
		case 'C':
			root = optarg;
			break;
		case 'D':
			if (cmdline_symset(optarg) == -1)
				errx(1, "could not parse macro definition %s",
				    optarg);
			break;
		case 'd':
			opts.debug = 1;
			break;
		case 'E':
			engine = 1;
			break;
		case 'f':
			opts.conffile = optarg;
			opts.conffile_default = 0;
			break;
		case 'n':
			noaction++;
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			opts.verbose++;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc != 0)
		usage();
	log_setverbose(opts.verbose);

	if (engine)
		engine_main(opts.debug, opts.verbose, user, root);

	if ((conf = parse_config(opts.conffile, opts.conffile_default)) ==
	    NULL) {
		if (noaction)
			exit(1);
		errx(1, "%s: configuration has errors", opts.conffile);
	}
	if (noaction) {
		if (noaction > 1)
			config_print(conf, stdout);
		if (config_rtsp(conf))
			rtsp_encoder_check(conf);
		printf("configuration OK\n");
		config_free(conf);
		exit(0);
	}
	parent_main(conf, &opts);
}
