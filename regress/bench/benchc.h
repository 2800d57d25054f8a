/*
 * What the C programs the bench scripts compile share: a CPU clock in
 * seconds, a comparison for qsort of doubles (percentiles) and reading
 * a whole file.  Header-only: each script builds one program.
 */
#ifndef V720_BENCHC_H
#define V720_BENCHC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f;
	uint8_t *b;
	long n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if ((b = malloc(n)) == NULL || fread(b, 1, n, f) != (size_t)n)
		exit(1);
	fclose(f);
	*len = n;
	return b;
}

#endif
