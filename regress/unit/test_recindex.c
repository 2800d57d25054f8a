/* The recorder's per-day index: what it writes it reads back; junk is skipped. */
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720d/recorder/recindex.h"

struct got {
	struct idx_seg	 segs[8];
	struct idx_event evs[8];
	int		 nsegs, nevs;
};

static void
seg_cb(void *arg, const struct idx_seg *s)
{
	struct got	*g = arg;

	if (g->nsegs < 8)
		g->segs[g->nsegs++] = *s;
}

static void
ev_cb(void *arg, const struct idx_event *e)
{
	struct got	*g = arg;

	if (g->nevs < 8)
		g->evs[g->nevs++] = *e;
}

Test(recindex, roundtrip)
{
	struct idx_seg	 s = { "05-30-01.mkv", 1764653401123, 1764653701000,
			    3000, 75000000 };
	struct idx_event e = { 1764653410000, 0, 345, "ev-1764653410000.jpg" };
	struct idx_cb	 cb = { seg_cb, ev_cb, NULL };
	struct got	 g;
	char		 buf[512];
	int		 n, m;

	memset(&g, 0, sizeof(g));
	cb.arg = &g;
	cr_assert_gt(n = index_fmt_seg(buf, sizeof(buf), &s), 0);
	cr_assert_gt(m = index_fmt_event(buf + n, sizeof(buf) - n, &e), 0);
	cr_assert_str_eq(buf, "seg 05-30-01.mkv 1764653401123 1764653701000 "
	    "3000 75000000\nevent 1764653410000 0 345 ev-1764653410000.jpg\n");
	cr_assert_eq(index_parse(buf, n + m, &cb), 2);
	cr_assert_eq(g.nsegs, 1);
	cr_assert_eq(memcmp(&g.segs[0], &s, sizeof(s)), 0);
	cr_assert_eq(g.nevs, 1);
	cr_assert_eq(g.evs[0].start_ms, e.start_ms);
	cr_assert_eq(g.evs[0].score, 345);
	cr_assert_str_eq(g.evs[0].thumb, e.thumb);
}

Test(recindex, junk_lines_skipped)
{
	const char	*in =
	    "seg ../../etc/passwd 1 2 3 4\n"		/* path */
	    "seg 05-30-01.mkv 5 4 3 4\n"		/* ends before start */
	    "seg 05-30-01.mkv -1 4 3 4\n"		/* sign */
	    "seg 05-30-01.mkv 1 4 3 4 5\n"		/* field count */
	    "event 1 2 10001 ev-1.jpg\n"		/* score */
	    "event 1 2 1 ../ev-1.jpg\n"
	    "seg 05-30-01.mkv 99999999999999999999 1 1 1\n"
	    "\n"
	    "seg 05-30-02.9999.mkv 1 2 3 4\n"		/* suffix length */
	    "seg 05-30-02.12.mkv 1 2 3 4\n"		/* good */
	    "event 7 0 1 ev-7.jpg\n"			/* good */
	    "seg 05-30-03.mkv 1 2 3 4";			/* cut short */
	struct idx_cb	 cb = { seg_cb, ev_cb, NULL };
	struct got	 g;

	memset(&g, 0, sizeof(g));
	cb.arg = &g;
	cr_assert_eq(index_parse(in, strlen(in), &cb), 2);
	cr_assert_eq(g.nsegs, 1);
	cr_assert_str_eq(g.segs[0].file, "05-30-02.12.mkv");
	cr_assert_eq(g.nevs, 1);
}

Test(recindex, names)
{
	cr_assert(index_valid_segname("23-59-59.mkv"));
	cr_assert(index_valid_segname("23-59-59.1.mkv"));
	cr_assert_not(index_valid_segname("23-59-59.mkv.mkv"));
	cr_assert_not(index_valid_segname("2a-59-59.mkv"));
	cr_assert_not(index_valid_segname("/3-59-59.mkv"));
	cr_assert(index_valid_thumbname("ev-1764653410000.jpg"));
	cr_assert_not(index_valid_thumbname("ev-.jpg"));
	cr_assert_not(index_valid_thumbname("ev-1/2.jpg"));
}
