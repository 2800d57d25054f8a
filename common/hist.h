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

#endif
