/* common/hist.c: percentiles of the stats lines' histograms. */
#include <criterion/criterion.h>

#include "hist.h"

Test(hist, percentiles_by_bucket)
{
	uint32_t	h[10] = { 0 };
	int		i;

	cr_assert_eq(hist_percentile(h, 10, 99), 0, "empty");
	for (i = 0; i < 98; i++)
		hist_add(h, 10, 2);
	hist_add(h, 10, 7);
	hist_add(h, 10, 1000);		/* above: the last bucket */
	cr_assert_eq(h[9], 1);
	cr_assert_eq(hist_percentile(h, 10, 50), 2);
	cr_assert_eq(hist_percentile(h, 10, 99), 7);
	cr_assert_eq(hist_percentile(h, 10, 100), 9);
}

/* Each take covers what came since the last one. */
Test(hist, take_gives_p50_p99_and_starts_again)
{
	static struct hist_us	h;
	unsigned		p50, p99;
	int			i;

	for (i = 0; i < 100; i++)
		hist_us_add(&h, i < 60 ? 10 : 300);
	hist_us_add(&h, 5000000);	/* 5 s: counted as 20 ms */
	hist_us_take(&h, &p50, &p99);
	cr_assert_eq(p50, 10);
	cr_assert_eq(p99, 300);
	hist_us_take(&h, &p50, &p99);
	cr_assert_eq(p50, 0, "not started again");
	cr_assert_eq(p99, 0);
	for (i = 0; i < 100; i++)
		hist_us_add(&h, 30000);
	hist_us_take(&h, &p50, &p99);
	cr_assert_eq(p99, HIST_US_BUCKETS - 1, "over 20 ms is the top");
}
