/*
 * libFuzzer target for the configuration parser (parse.y + config.c):
 * the input is written to a file and parsed; errors are expected, crashes
 * and leaks are not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../v720d/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[] = "/tmp/fuzz_config.XXXXXX";
	static int	 fd = -1;
	struct config	*c;

	if (fd == -1) {
		if ((fd = mkstemp(path)) == -1)
			abort();
	}
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	if ((c = parse_config(path, 0)) != NULL)
		config_free(c);
	return 0;
}
