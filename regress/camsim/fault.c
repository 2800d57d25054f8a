/* Fault injection; see fault.h. */
#include <stdio.h>
#include <string.h>

#include "wire.h"
#include "fault.h"

/* splitmix64: tiny, fast, good enough for test traffic. */
void
rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	r->s = seed ^ (stream * 0x9e3779b97f4a7c15ULL);
	(void)rng_next(r);
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t	z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int
fault_plan(const struct fault *f, struct rng *r, int n, int *order,
    struct fault_stats *st)
{
	int	i, j, k, m = 0, tmp;

	if (f->fa_loss <= 0 && f->fa_dup <= 0 && f->fa_reorder <= 0) {
		for (i = 0; i < n; i++)
			order[i] = i;
		return n;
	}
	for (i = 0; i < n; i++) {
		if (f->fa_loss > 0 && rng_unit(r) < f->fa_loss) {
			st->fs_lost++;
			continue;
		}
		order[m++] = i;
		if (f->fa_dup > 0 && rng_unit(r) < f->fa_dup) {
			order[m++] = i;
			st->fs_dup++;
		}
	}
	if (f->fa_reorder <= 0)
		return m;
	/* Move chosen entries 1..3 places later, from the back forward. */
	for (i = m - 2; i >= 0; i--) {
		if (rng_unit(r) >= f->fa_reorder)
			continue;
		k = 1 + (int)rng_below(r, 3);
		if (i + k >= m)
			k = m - 1 - i;
		tmp = order[i];
		for (j = i; j < i + k; j++)
			order[j] = order[j + 1];
		order[i + k] = tmp;
		st->fs_reordered++;
	}
	return m;
}

enum garbage_kind
garbage_pick(struct rng *r, int tcp, int hard)
{
	if (tcp && !hard)
		return (enum garbage_kind)rng_below(r, GARBAGE_BAD_JSON + 1);
	if (tcp)
		/* Mostly framing-safe, sometimes a fatal one. */
		return rng_below(r, 4) ? (enum garbage_kind)rng_below(r,
		    GARBAGE_BAD_JSON + 1) : (rng_below(r, 2) ?
		    GARBAGE_HUGE_JSON : GARBAGE_HUGE_LEN);
	return (enum garbage_kind)rng_below(r, GARBAGE_NKINDS);
}

const char *
garbage_name(enum garbage_kind k)
{
	static const char *const names[GARBAGE_NKINDS] = {
		"unknown-cmd", "not-json", "unknown-code", "bad-json",
		"short-len", "long-len", "trunc-hdr", "bad-media",
		"huge-json", "huge-len"
	};

	return k < GARBAGE_NKINDS ? names[k] : "?";
}

static void
hdr(uint8_t *buf, uint32_t len, uint16_t cmd, uint8_t flag, uint32_t pkg)
{
	struct wire_hdr	h;

	memset(&h, 0, sizeof(h));
	h.wh_len = len;
	h.wh_cmd = cmd;
	h.wh_msg_flag = flag;
	h.wh_pkg_id = pkg;
	wire_hdr_encode(&h, buf);
}

static void
fill(struct rng *r, uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rng_next(r);
}

size_t
garbage_make(struct rng *r, enum garbage_kind k, int tcp, uint8_t *buf,
    size_t cap)
{
	static const char *const bad[] = {
		"{\"code\": 301, \"target\": ", "{\"code\":", "{{{{", "}",
		"[1,2,3]", "{\"code\": \"x\", \"content\": {\"code\": [", "\"str\""
	};
	size_t	n, i;
	int	len;

	if (cap < 64)
		return 0;
	switch (k) {
	case GARBAGE_UNKNOWN_CMD:
		n = rng_below(r, 40);
		hdr(buf, (uint32_t)n, (uint16_t)(1000 + rng_below(r, 60000)),
		    0, 0);
		fill(r, buf + WIRE_HDR_LEN, n);
		return WIRE_HDR_LEN + n;
	case GARBAGE_NOT_JSON:
		n = 1 + rng_below(r, 40);
		hdr(buf, (uint32_t)n, WIRE_CMD_JSON, 0, 0);
		fill(r, buf + WIRE_HDR_LEN, n);
		return WIRE_HDR_LEN + n;
	case GARBAGE_UNKNOWN_CODE:
		len = snprintf((char *)buf + WIRE_HDR_LEN, cap - WIRE_HDR_LEN,
		    "{\"code\": %u , \"junk\": \"camsim\"}",
		    9000 + rng_below(r, 999));
		hdr(buf, (uint32_t)len, WIRE_CMD_JSON, 0, 0);
		return WIRE_HDR_LEN + (size_t)len;
	case GARBAGE_BAD_JSON:
		i = rng_below(r, sizeof(bad) / sizeof(bad[0]));
		n = strlen(bad[i]);
		memcpy(buf + WIRE_HDR_LEN, bad[i], n);
		hdr(buf, (uint32_t)n, WIRE_CMD_JSON, 0, 0);
		return WIRE_HDR_LEN + n;
	case GARBAGE_SHORT_LEN:
		n = 10 + rng_below(r, 100);
		hdr(buf, (uint32_t)(n / 2), WIRE_CMD_JPEG, WIRE_FLAG_MIDDLE,
		    (uint32_t)rng_next(r));
		fill(r, buf + WIRE_HDR_LEN, n);
		return WIRE_HDR_LEN + n;
	case GARBAGE_LONG_LEN:
		n = 10 + rng_below(r, 100);
		hdr(buf, (uint32_t)(n + 1 + rng_below(r, 5000)), WIRE_CMD_JPEG,
		    WIRE_FLAG_FIRST, (uint32_t)rng_next(r));
		fill(r, buf + WIRE_HDR_LEN, n);
		return WIRE_HDR_LEN + n;
	case GARBAGE_TRUNC_HDR:
		n = 1 + rng_below(r, WIRE_HDR_LEN - 1);
		fill(r, buf, n);
		return n;
	case GARBAGE_BAD_MEDIA:
		n = rng_below(r, 1004);
		hdr(buf, (uint32_t)n, WIRE_CMD_JPEG, (uint8_t)rng_below(r, 250),
		    (uint32_t)rng_next(r));
		fill(r, buf + WIRE_HDR_LEN, n);
		return WIRE_HDR_LEN + n;
	case GARBAGE_HUGE_JSON:
		/* Valid JSON, just far too big: 1400 bytes on UDP, ~60 KB on TCP. */
		n = tcp ? 60000 : 1400;
		if (n > cap - WIRE_HDR_LEN)
			n = cap - WIRE_HDR_LEN;
		memcpy(buf + WIRE_HDR_LEN, "{\"code\": 100, \"pad\": \"", 22);
		memset(buf + WIRE_HDR_LEN + 22, 'A', n - 24);
		memcpy(buf + WIRE_HDR_LEN + n - 2, "\"}", 2);
		hdr(buf, (uint32_t)n, WIRE_CMD_JSON, 0, 0);
		return WIRE_HDR_LEN + n;
	case GARBAGE_HUGE_LEN:
	default:
		hdr(buf, 0xfffffff0U - rng_below(r, 1000), WIRE_CMD_JSON, 0, 0);
		memcpy(buf + WIRE_HDR_LEN, "{\"code\": 100}", 13);
		return WIRE_HDR_LEN + 13;
	}
}

size_t
fault_split(struct rng *r, size_t avail)
{
	if (avail <= 1)
		return avail;
	/* Favour tiny pieces (inside headers) but also cut large ones. */
	if (rng_below(r, 2))
		return 1 + rng_below(r, avail < 24 ? (uint32_t)avail : 24);
	return 1 + rng_below(r, (uint32_t)avail);
}
