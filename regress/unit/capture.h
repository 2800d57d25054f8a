/*
 * Test helper: load the byte vectors of the real camera's capture
 * ($SHARED/protocol/vectors/capture-tcp.txt, SHARED defaulting to
 * ../shared from the top of the repository).  Header-only so each test
 * binary can include it.
 */
#ifndef V720_TEST_CAPTURE_H
#define V720_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_MAX		256

struct cap_msg {
	int		 frame;
	char		 from[8];	/* camera | server */
	char		 proto[16];	/* http | v720-tcp | mqtt */
	unsigned char	*data;
	size_t		 len;
};

static int
cap_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Returns the number of messages, or -1 if the file cannot be read. */
static int
cap_load(struct cap_msg *msgs, int max)
{
	const char	*shared = getenv("SHARED");
	char		 path[1024], *line = NULL, hex[8192];
	size_t		 cap = 0, i;
	FILE		*f;
	int		 n = 0;

	snprintf(path, sizeof(path), "%s/protocol/vectors/capture-tcp.txt",
	    shared && *shared ? shared : "../shared");
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(path, sizeof(path),
		    "../../shared/protocol/vectors/capture-tcp.txt");
		if ((f = fopen(path, "r")) == NULL)
			return -1;
	}
	while (n < max && getline(&line, &cap, f) != -1) {
		struct cap_msg *m = &msgs[n];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%d %7s %15s %8191s", &m->frame, m->from,
		    m->proto, hex) != 4)
			continue;
		m->len = strlen(hex) / 2;
		if ((m->data = malloc(m->len + 1)) == NULL)
			break;
		for (i = 0; i < m->len; i++)
			m->data[i] = cap_hex(hex[2 * i]) << 4 |
			    cap_hex(hex[2 * i + 1]);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

static void
cap_free(struct cap_msg *msgs, int n)
{
	while (n-- > 0)
		free(msgs[n].data);
}

/* criterion fixtures; include criterion before this header. */
static struct cap_msg	cap[CAP_MAX];
static int		ncap;

static void
cap_init(void)
{
	ncap = cap_load(cap, CAP_MAX);
	cr_assert(ncap > 0, "cannot read capture-tcp.txt (set SHARED)");
}

static void
cap_fini(void)
{
	cap_free(cap, ncap);
}

#endif
