/* Fixed-bucket histograms for the stats lines; see hist.h. */
#include <string.h>

#include "hist.h"

void
hist_add(uint32_t *h, size_t nbuckets, uint64_t value)
{
	h[value < nbuckets - 1 ? value : nbuckets - 1]++;
}

unsigned
hist_percentile(const uint32_t *h, size_t nbuckets, unsigned pct)
{
	uint64_t	total = 0, want, seen = 0;
	size_t		i;

	for (i = 0; i < nbuckets; i++)
		total += h[i];
	if (total == 0)
		return 0;
	want = (total * pct + 99) / 100;
	for (i = 0; i < nbuckets; i++)
		if ((seen += h[i]) >= want)
			return i;
	return nbuckets - 1;
}

void
hist_us_add(struct hist_us *h, uint64_t us)
{
	hist_add(h->hu_b, HIST_US_BUCKETS, us);
}

void
hist_us_take(struct hist_us *h, unsigned *p50, unsigned *p99)
{
	*p50 = hist_percentile(h->hu_b, HIST_US_BUCKETS, 50);
	*p99 = hist_percentile(h->hu_b, HIST_US_BUCKETS, 99);
	memset(h, 0, sizeof(*h));
}
