/*
 * Fault injection: a seeded random generator, the send plan of a batch of
 * UDP media packets (loss, duplication, reordering), malformed messages
 * for --garbage and write sizes for --split-tcp.  Pure functions, no I/O:
 * unit-tested in regress/unit/test_camsim_fault.c.
 */
#ifndef CAMSIM_FAULT_H
#define CAMSIM_FAULT_H

#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t	s;
};

void		rng_seed(struct rng *, uint64_t seed, uint64_t stream);
uint64_t	rng_next(struct rng *);
/* Uniform in [0, 1). */
double		rng_unit(struct rng *);
/* Uniform in [0, n), n > 0. */
uint32_t	rng_below(struct rng *, uint32_t n);

struct fault {
	double		fa_loss;	/* fraction of packets not sent */
	double		fa_dup;		/* fraction sent twice */
	double		fa_reorder;	/* fraction sent after a later one */
};

struct fault_stats {
	uint64_t	fs_lost;
	uint64_t	fs_dup;
	uint64_t	fs_reordered;
};

/*
 * Decide how packets 0..n-1 of a batch go out: fills order[] (room for
 * 2 * n entries) with packet indexes in sending order; a lost packet is
 * absent, a duplicated one appears twice (the copy right after it), a
 * reordered one is moved 1 to 3 places later (within the batch).  With
 * no faults configured the order is 0..n-1.  Returns the count.
 */
int	fault_plan(const struct fault *, struct rng *, int n, int *order,
	    struct fault_stats *);

/* Kinds of malformed message. */
enum garbage_kind {
	GARBAGE_UNKNOWN_CMD,	/* well-framed, cmd nobody knows */
	GARBAGE_NOT_JSON,	/* cmd 0, payload is not JSON */
	GARBAGE_UNKNOWN_CODE,	/* cmd 0, JSON with an unknown code */
	GARBAGE_BAD_JSON,	/* cmd 0, truncated / unbalanced JSON */
	GARBAGE_SHORT_LEN,	/* header says fewer bytes than follow (UDP) */
	GARBAGE_LONG_LEN,	/* header says more bytes than follow (UDP) */
	GARBAGE_TRUNC_HDR,	/* fewer than 20 bytes (UDP) */
	GARBAGE_BAD_MEDIA,	/* cmd 1 with a bogus flag and far pkg_id */
	GARBAGE_HUGE_JSON,	/* cmd 0, JSON far above any sane bound */
	GARBAGE_HUGE_LEN,	/* header announces ~4 GB (TCP: breaks framing) */
	GARBAGE_NKINDS
};

/* Kinds safe on a TCP stream (framing stays intact). */
#define GARBAGE_TCP_SAFE(k)	((k) <= GARBAGE_BAD_JSON)

/*
 * Pick a kind: for TCP (tcp = 1) only stream-safe kinds unless hard;
 * for UDP any kind but GARBAGE_HUGE_LEN/HUGE_JSON-size limits apply.
 */
enum garbage_kind garbage_pick(struct rng *, int tcp, int hard);
/*
 * Write one malformed message of the kind into buf (cap bytes; 64 KiB is
 * always enough except for GARBAGE_HUGE_JSON on TCP, which is capped at
 * cap).  Returns its length.
 */
size_t	garbage_make(struct rng *, enum garbage_kind, int tcp, uint8_t *buf,
	    size_t cap);
const char *garbage_name(enum garbage_kind);

/* --split-tcp: how many of avail queued bytes to write now (1..avail). */
size_t	fault_split(struct rng *, size_t avail);

#endif
