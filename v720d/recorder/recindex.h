/*
 * The index of one camera's day: <id>/<YYYY-MM-DD>/index, text, one
 * record a line, appended as segments close and events start and end
 * (a later line for the same segment or event replaces the earlier):
 *
 *	seg HH-MM-SS.mkv START_MS END_MS FRAMES BYTES
 *	event START_MS END_MS SCORE_X100 ev-START_MS.jpg
 *
 * (Unix milliseconds; END_MS 0: the event is still going on.)  The file
 * only saves work: it is rebuilt from the directory when lost.  Lines
 * that do not parse are skipped.
 */
#ifndef V720_RECINDEX_H
#define V720_RECINDEX_H

#include <stddef.h>
#include <stdint.h>

#define INDEX_NAME	"index"
#define INDEX_LINE_MAX	160
#define INDEX_FILE_MAX	24	/* "HH-MM-SS.NNN.mkv" and thumbnails */

struct idx_seg {
	char		file[INDEX_FILE_MAX];
	int64_t		start_ms, end_ms;
	uint64_t	frames, bytes;
};

struct idx_event {
	int64_t		start_ms, end_ms;
	uint32_t	score;		/* % of the picture x 100 */
	char		thumb[INDEX_FILE_MAX];
};

struct idx_cb {
	void	(*seg)(void *, const struct idx_seg *);
	void	(*event)(void *, const struct idx_event *);
	void	 *arg;
};

/* Parse a whole index; returns the lines used. */
size_t	index_parse(const char *, size_t, const struct idx_cb *);
/* One line, '\n' included, into buf: its length or -1. */
int	index_fmt_seg(char *, size_t, const struct idx_seg *);
int	index_fmt_event(char *, size_t, const struct idx_event *);
/* Names we write and accept. */
int	index_valid_segname(const char *);
int	index_valid_thumbname(const char *);

#endif
