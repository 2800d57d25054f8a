/*
 * Histograms with one bucket per unit (a microsecond, a millisecond) for
 * the processes' stats lines; the last bucket holds everything above.
 */
#ifndef V720_HIST_H
#define V720_HIST_H

#include <stddef.h>
#include <stdint.h>

void		hist_add(uint32_t *h, size_t nbuckets, uint64_t value);
/* The bucket the pct-th percentile falls in; 0 for an empty histogram. */
unsigned	hist_percentile(const uint32_t *h, size_t nbuckets, unsigned pct);

/*
 * Microseconds up to 20 ms, for a stats line that covers the time since
 * the one before: hist_us_take gives p50 and p99 and starts again, so a
 * steady state is not mixed with an earlier burst.
 */
#define HIST_US_BUCKETS	20001	/* 1 us each; the last one is "more" */
struct hist_us {
	uint32_t	hu_b[HIST_US_BUCKETS];
};
void		hist_us_add(struct hist_us *, uint64_t us);
void		hist_us_take(struct hist_us *, unsigned *p50, unsigned *p99);

#endif
