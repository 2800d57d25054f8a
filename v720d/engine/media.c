/*
 * UDP media of one camera: JPEG reassembly, audio, 605 confirmations
 * (PROTOCOL.md sections 5-7).  See media.h for the contract.
 *
 * Design.  Packets are kept in a ring of MEDIA_WINDOW slots indexed by
 * pkg_id % MEDIA_WINDOW.  m_cur is the delivery cursor: every id before
 * it is finished (delivered, dropped or late), every id held lies in
 * [m_cur, m_cur + MEDIA_WINDOW), so a slot can only ever hold the one id
 * of the window that maps to it.  All id comparisons are serial-number
 * arithmetic on u32, so the counter may wrap.
 *
 * A stored fragment that closes a run 250 251... 252 (or is a 255) marks
 * the run's first slot complete.  Frames leave strictly in id order from
 * m_cur: a complete frame at m_cur goes out at once; a complete frame
 * behind an incomplete older one waits at most m_hold for the older one
 * (a camera resends what the 605s did not confirm), then the older one is
 * dropped.  An incomplete frame with nothing complete behind it is given
 * up after m_timeout (media_tick).
 *
 * Payloads live in MEDIA_BLOCK-byte blocks taken from a per-stream free
 * list: allocated on demand up to MEDIA_BLOCKS_MAX, reused afterwards, so
 * the hot path does not call malloc once a stream runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "wire.h"
#include "media.h"

/* Consecutive late packets after which the camera must have restarted
 * its counter: start over rather than call everything late forever. */
#define MEDIA_REBASE		MEDIA_WINDOW
/* Free blocks kept for the next frames; more go back to malloc at a tick. */
#define MEDIA_SPARE		64
#define MEDIA_ASM_MIN		(32 * 1024)
#define MEDIA_ASM_MAX		(V720_FRAME_MAX + WIRE_TRAILER_LEN)

enum { SLOT_EMPTY, SLOT_DATA, SLOT_DONE };

struct slot {
	uint8_t		*sl_data;	/* a block while SLOT_DATA */
	uint64_t	 sl_ts;		/* arrival */
	uint64_t	 sl_cts;	/* when the frame starting here completed */
	uint32_t	 sl_id;
	uint16_t	 sl_len;
	uint8_t		 sl_flag;	/* msg_flag */
	uint8_t		 sl_state;	/* SLOT_*; DONE = audio or junk, seen */
	uint8_t		 sl_complete;	/* first slot of a complete frame */
};
_Static_assert(sizeof(struct slot) <= 64, "MEDIA_MEMORY_MAX counts 64");

struct media {
	struct media_cb	 m_cb;
	void		*m_arg;
	struct media_stats m_st;
	uint64_t	 m_timeout;
	uint64_t	 m_hold;
	struct slot	*m_ring;	/* MEDIA_WINDOW slots, NULL when idle */
	void		*m_free;	/* free blocks, linked through themselves */
	unsigned	 m_nblocks;	/* blocks allocated */
	unsigned	 m_inuse;	/* blocks holding a fragment */
	unsigned	 m_ncomplete;	/* complete frames not yet delivered */
	uint8_t		*m_asm;		/* frame assembly buffer */
	size_t		 m_asmcap;
	uint32_t	 m_cur;		/* delivery cursor, see above */
	uint32_t	 m_hi;		/* newest id seen */
	unsigned	 m_late_run;
	int		 m_started;	/* m_cur and m_hi are set */
	uint64_t	 m_last;	/* last packet */
	/* 605: 0 nothing yet, 1 the empty first one is due, 2 ids. */
	int		 m_ack_state;
	unsigned	 m_ack_head;
	unsigned	 m_ack_n;
	uint32_t	 m_ack[MEDIA_CONFIRM_MAX];
};

static inline int32_t
sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline struct slot *
slot_at(struct media *m, uint32_t id)
{
	return &m->m_ring[id & (MEDIA_WINDOW - 1)];
}

/* The fragment with this id, if held. */
static inline struct slot *
data_at(struct media *m, uint32_t id)
{
	struct slot *s = slot_at(m, id);

	return s->sl_state == SLOT_DATA && s->sl_id == id ? s : NULL;
}

static int
is_jpeg(const uint8_t *p, size_t n)
{
	return n >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[n - 2] == 0xff &&
	    p[n - 1] == 0xd9;
}

static uint8_t *
block_get(struct media *m)
{
	void *b;

	if ((b = m->m_free) != NULL)
		memcpy(&m->m_free, b, sizeof(void *));
	else if (m->m_nblocks < MEDIA_BLOCKS_MAX &&
	    (b = malloc(MEDIA_BLOCK)) != NULL)
		m->m_nblocks++;
	if (b != NULL)
		m->m_inuse++;
	return b;
}

static void
block_put(struct media *m, uint8_t *b)
{
	memcpy(b, &m->m_free, sizeof(void *));
	m->m_free = b;
	m->m_inuse--;
}

static void
slot_clear(struct media *m, struct slot *s)
{
	if (s->sl_state == SLOT_DATA)
		block_put(m, s->sl_data);
	if (s->sl_complete)
		m->m_ncomplete--;
	s->sl_data = NULL;
	s->sl_state = SLOT_EMPTY;
	s->sl_complete = 0;
}

/*
 * Finish every id in [m_cur, end): whatever fragments are there will never
 * make a frame.  Each broken run counts as one incomplete frame: a 250 or
 * 255, or a fragment not following an open run, starts one.
 */
static void
drop_range(struct media *m, uint32_t end)
{
	struct slot *s;
	int32_t i, n;
	uint32_t id;
	int open = 0;

	if ((n = sdiff(end, m->m_cur)) <= 0)
		return;
	if (n > MEDIA_WINDOW)
		n = MEDIA_WINDOW;	/* nothing is held outside the window */
	for (i = 0; i < n; i++) {
		id = m->m_cur + (uint32_t)i;
		s = slot_at(m, id);
		if (s->sl_id != id)
			continue;
		if (s->sl_state == SLOT_DATA) {
			if (!open || s->sl_flag == WIRE_FLAG_FIRST ||
			    s->sl_flag == WIRE_FLAG_SINGLE)
				m->m_st.drop_incomplete++;
			open = s->sl_flag != WIRE_FLAG_LAST &&
			    s->sl_flag != WIRE_FLAG_SINGLE;
		}
		slot_clear(m, s);
	}
	m->m_cur = end;
	if (sdiff(m->m_hi, end) < 0)
		m->m_hi = end - 1;
}

/* Free the ring and every buffer: an idle or reset stream holds nothing. */
static void
release(struct media *m)
{
	void *b;
	unsigned i;

	if (m->m_ring != NULL) {
		for (i = 0; i < MEDIA_WINDOW; i++)
			if (m->m_ring[i].sl_state == SLOT_DATA)
				free(m->m_ring[i].sl_data);
		free(m->m_ring);
		m->m_ring = NULL;
	}
	while ((b = m->m_free) != NULL) {
		memcpy(&m->m_free, b, sizeof(void *));
		free(b);
	}
	free(m->m_asm);
	m->m_asm = NULL;
	m->m_asmcap = 0;
	m->m_nblocks = m->m_inuse = m->m_ncomplete = 0;
	m->m_started = 0;
	m->m_late_run = 0;
}

/*
 * Does the fragment just stored at id close a run 250 251... 252 (or is it
 * a 255)?  Then return 1 with the run's first id in *first.  Scans are
 * bounded by the window.
 */
static int
complete_at(struct media *m, uint32_t id, uint32_t *first)
{
	struct slot *s = data_at(m, id), *t;
	uint32_t j;

	if (s->sl_flag == WIRE_FLAG_SINGLE) {
		*first = id;
		return 1;
	}
	if (s->sl_flag != WIRE_FLAG_LAST) {
		/* Forward first: in order arrival stops at the next slot. */
		for (j = id + 1;; j++) {
			if (sdiff(j, m->m_hi) > 0 || (t = data_at(m, j)) == NULL)
				return 0;
			if (t->sl_flag == WIRE_FLAG_LAST)
				break;
			if (t->sl_flag != WIRE_FLAG_MIDDLE)
				return 0;
		}
	}
	if (s->sl_flag == WIRE_FLAG_FIRST) {
		*first = id;
		return 1;
	}
	for (j = id - 1;; j--) {
		if (sdiff(j, m->m_cur) < 0 || (t = data_at(m, j)) == NULL)
			return 0;
		if (t->sl_flag == WIRE_FLAG_FIRST) {
			*first = j;
			return 1;
		}
		if (t->sl_flag != WIRE_FLAG_MIDDLE)
			return 0;
	}
}

/* Last id of the complete frame starting at first. */
static uint32_t
frame_last(struct media *m, uint32_t first)
{
	struct slot *t;
	uint32_t j = first;

	if (data_at(m, first)->sl_flag == WIRE_FLAG_SINGLE)
		return first;
	while ((t = data_at(m, ++j)) != NULL && t->sl_flag == WIRE_FLAG_MIDDLE)
		;
	return j;
}

/*
 * A 255 frame: nobody knows whether it carries the size trailer.  Rule:
 * if its last 4 bytes equal (length - 4) they are a trailer and the JPEG
 * is the rest; otherwise the whole payload must be the JPEG.  (A payload
 * ending in FF D9 cannot also end in a plausible size, so the two readings
 * never compete.)  No trailer is not an error here, so a bad single frame
 * counts as drop_jpeg only.
 */
static size_t
single_len(const uint8_t *p, size_t len)
{
	if (len >= WIRE_TRAILER_LEN &&
	    wire_get32(p + len - WIRE_TRAILER_LEN) == len - WIRE_TRAILER_LEN)
		return len - WIRE_TRAILER_LEN;
	return len;
}

/* Grow the assembly buffer to hold n bytes (n <= MEDIA_ASM_MAX). */
static int
asm_reserve(struct media *m, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (n <= m->m_asmcap)
		return 0;
	for (cap = MEDIA_ASM_MIN; cap < n; cap *= 2)
		;
	if (cap > MEDIA_ASM_MAX)
		cap = MEDIA_ASM_MAX;
	if ((p = realloc(m->m_asm, cap)) == NULL)
		return -1;
	m->m_asm = p;
	m->m_asmcap = cap;
	return 0;
}

/*
 * k bytes at offset off of the fragments first..last, into dst; the
 * caller has checked that off + k is within them.
 */
static void
gather(struct media *m, uint32_t first, uint32_t last, size_t off,
    uint8_t *dst, size_t k)
{
	const struct slot *s;
	size_t take;
	uint32_t j;

	for (j = first; k > 0 && sdiff(last, j) >= 0; j++) {
		s = data_at(m, j);
		if (off >= s->sl_len) {
			off -= s->sl_len;
			continue;
		}
		take = s->sl_len - off < k ? s->sl_len - off : k;
		memcpy(dst, s->sl_data + off, take);
		dst += take;
		k -= take;
		off = 0;
	}
}

/*
 * A frame of several fragments, total bytes with its size trailer: the
 * JPEG's length, or 0 (counted) when the trailer or the JPEG marks are
 * wrong.  Checked on the fragments, so a bad frame costs no copy.
 */
static size_t
frags_check(struct media *m, uint32_t first, uint32_t last, size_t total)
{
	uint8_t b[WIRE_TRAILER_LEN];
	size_t n;

	if (total < WIRE_TRAILER_LEN) {
		m->m_st.drop_size++;
		return 0;
	}
	n = total - WIRE_TRAILER_LEN;
	if (n > V720_FRAME_MAX) {
		m->m_st.drop_toobig++;
		return 0;
	}
	gather(m, first, last, n, b, WIRE_TRAILER_LEN);
	if (wire_get32(b) != n) {
		m->m_st.drop_size++;
		return 0;
	}
	if (n < 4) {
		m->m_st.drop_jpeg++;
		return 0;
	}
	/* The JPEG's first two and last two bytes, as is_jpeg() sees them. */
	gather(m, first, last, 0, b, 2);
	gather(m, first, last, n - 2, b + 2, 2);
	if (!is_jpeg(b, sizeof(b))) {
		m->m_st.drop_jpeg++;
		return 0;
	}
	return n;
}

/*
 * Check and pass on the complete frame at m_cur, then finish its ids.
 * The size trailer is stripped from the concatenation, since it may
 * straddle the last two fragments.
 */
static void
deliver(struct media *m)
{
	struct slot *s = data_at(m, m->m_cur);
	const uint8_t *jpeg = NULL;
	uint8_t *dst = NULL;
	uint64_t ts = s->sl_cts;
	uint32_t first = m->m_cur, last = frame_last(m, first), j;
	size_t total = 0, n = 0;

	for (j = first; sdiff(last, j) >= 0; j++)
		total += data_at(m, j)->sl_len;
	if (first == last) {
		n = single_len(s->sl_data, s->sl_len);
		jpeg = s->sl_data;
		if (!is_jpeg(jpeg, n)) {
			m->m_st.drop_jpeg++;
			jpeg = NULL;
		}
	} else if ((n = frags_check(m, first, last, total)) > 0) {
		if (m->m_cb.frame_dst != NULL)
			dst = m->m_cb.frame_dst(m->m_arg, n);
		if (dst == NULL && asm_reserve(m, n) == 0)
			dst = m->m_asm;
		if (dst != NULL) {
			gather(m, first, last, 0, dst, n);
			jpeg = dst;
		} else
			m->m_st.drop_toobig++;
	}
	if (jpeg != NULL) {
		m->m_st.frames++;
		m->m_st.bytes += n;
		if (m->m_cb.frame != NULL)
			m->m_cb.frame(m->m_arg, jpeg, n, ts);
		if (m->m_ack_state == 0)
			m->m_ack_state = 1;
	}
	for (j = first; sdiff(last, j) >= 0; j++)
		slot_clear(m, slot_at(m, j));
	m->m_cur = last + 1;
}

static int
range_has_data(struct media *m, uint32_t end)
{
	uint32_t j;

	for (j = m->m_cur; sdiff(end, j) > 0; j++)
		if (data_at(m, j) != NULL)
			return 1;
	return 0;
}

/*
 * The oldest run of fragments held: its first fragment (NULL if none) and
 * in *end the id where the next frame starts, or the one after the newest.
 */
static struct slot *
oldest_run(struct media *m, uint32_t *end)
{
	struct slot *s = NULL, *t;
	uint32_t id;

	for (id = m->m_cur; sdiff(m->m_hi, id) >= 0; id++)
		if ((s = data_at(m, id)) != NULL)
			break;
	if (s == NULL)
		return NULL;
	for (*end = id + 1; sdiff(m->m_hi, *end) >= 0; (*end)++)
		if ((t = data_at(m, *end)) != NULL &&
		    (t->sl_flag == WIRE_FLAG_FIRST ||
		    t->sl_flag == WIRE_FLAG_SINGLE))
			break;
	return s;
}

/* Give up the oldest broken run if its first fragment is too old. */
static int
expire_stale(struct media *m, uint64_t now)
{
	struct slot *s;
	uint32_t end;

	if ((s = oldest_run(m, &end)) == NULL || now < s->sl_ts ||
	    now - s->sl_ts < m->m_timeout)
		return 0;
	drop_range(m, end);
	return 1;
}

/*
 * Deliver what can go out, in id order.  Frames starting before force are
 * not held back (the window is sliding past them); stale says whether to
 * expire old incomplete runs.  Returns 1 if a frame was delivered.
 */
static int
pump(struct media *m, uint64_t now, int stale, uint32_t force)
{
	struct slot *s;
	uint32_t f;
	int done = 0;

	for (;;) {
		/* Audio and junk ids were dealt with on arrival. */
		while (sdiff(m->m_hi, m->m_cur) >= 0 &&
		    (s = slot_at(m, m->m_cur))->sl_id == m->m_cur &&
		    s->sl_state == SLOT_DONE) {
			slot_clear(m, s);
			m->m_cur++;
		}
		if (m->m_ncomplete == 0) {
			if (stale && expire_stale(m, now))
				continue;
			break;
		}
		for (f = m->m_cur; sdiff(m->m_hi, f) >= 0; f++)
			if ((s = data_at(m, f)) != NULL && s->sl_complete)
				break;
		if (sdiff(m->m_hi, f) < 0) {
			m->m_ncomplete = 0;	/* cannot happen; stay sane */
			break;
		}
		/*
		 * An older run may still complete: hold the newer frame a
		 * little, unless there is nothing older to wait for (lost
		 * audio, a lost 255).
		 */
		if (f != m->m_cur && sdiff(f, force) >= 0 &&
		    now >= s->sl_cts && now - s->sl_cts < m->m_hold &&
		    range_has_data(m, f)) {
			if (stale && expire_stale(m, now))
				continue;
			break;
		}
		/* Not completed by this packet: it waited for an older one. */
		if (s->sl_cts != now)
			m->m_st.frames_held++;
		drop_range(m, f);
		deliver(m);
		done = 1;
	}
	return done;
}

static void
ack_push(struct media *m, uint32_t id)
{
	/* Full: the oldest id gives way, the newest ones matter more. */
	if (m->m_ack_n == MEDIA_CONFIRM_MAX) {
		m->m_ack_head = (m->m_ack_head + 1) % MEDIA_CONFIRM_MAX;
		m->m_ack_n--;
	}
	m->m_ack[(m->m_ack_head + m->m_ack_n) % MEDIA_CONFIRM_MAX] = id;
	m->m_ack_n++;
}

static void
audio(struct media *m, uint8_t codec, const uint8_t *p, size_t len,
    uint64_t now)
{
	/* Section 7: a trailer only if it states the length before it. */
	if (len >= WIRE_TRAILER_LEN &&
	    wire_get32(p + len - WIRE_TRAILER_LEN) == len - WIRE_TRAILER_LEN)
		len -= WIRE_TRAILER_LEN;
	if (len == 0)
		return;
	m->m_st.audio_chunks++;
	if (m->m_cb.audio != NULL)
		m->m_cb.audio(m->m_arg, codec, p, len, now);
}

/*
 * A new stream: the window ends at the first id, so whatever arrives
 * before it in a reordered start is still taken; the window slides
 * forward with the ids until the first frame goes out.
 */
static void
start(struct media *m, uint32_t id)
{
	m->m_cur = id - (MEDIA_WINDOW - 1);
	m->m_hi = m->m_cur - 1;
	m->m_started = 1;
	m->m_late_run = 0;
}

/* Store a video fragment at id (slot s is free); 0, or -1 if no room. */
static int
store(struct media *m, struct slot *s, uint32_t id, uint8_t flag,
    const uint8_t *p, size_t len, uint64_t now)
{
	struct slot *o;
	uint8_t *b;
	uint32_t first, end;

	/* Out of blocks: the oldest runs before this id give way. */
	while ((b = block_get(m)) == NULL) {
		if ((o = oldest_run(m, &end)) == NULL || sdiff(o->sl_id, id) > 0)
			return -1;
		drop_range(m, sdiff(end, id) > 0 ? id : end);
	}
	if (len > 0)
		memcpy(b, p, len);
	s->sl_data = b;
	s->sl_ts = now;
	s->sl_id = id;
	s->sl_len = (uint16_t)len;
	s->sl_flag = flag;
	s->sl_state = SLOT_DATA;
	s->sl_complete = 0;
	if (complete_at(m, id, &first)) {
		s = data_at(m, first);
		s->sl_complete = 1;
		s->sl_cts = now;
		m->m_ncomplete++;
	}
	return 0;
}

int
media_packet(struct media *m, const struct wire_hdr *h, const uint8_t *p,
    size_t len, uint64_t now)
{
	struct slot *s;
	uint32_t id = h->wh_pkg_id;
	uint8_t flag = h->wh_msg_flag;
	int video, end;

	if (h->wh_cmd != WIRE_CMD_JPEG && h->wh_cmd != WIRE_CMD_ALAW &&
	    h->wh_cmd != WIRE_CMD_PCM)
		return 0;
	if (len > MEDIA_BLOCK || (len > 0 && p == NULL))
		return 0;
	if (m->m_ring == NULL &&
	    (m->m_ring = calloc(MEDIA_WINDOW, sizeof(*m->m_ring))) == NULL)
		return 0;
	m->m_st.packets++;
	m->m_last = now;
	if (!m->m_started)
		start(m, id);
	/* Everything received is confirmed: duplicates and late ones too. */
	ack_push(m, id);
	video = h->wh_cmd == WIRE_CMD_JPEG;
	end = video && (flag == WIRE_FLAG_LAST || flag == WIRE_FLAG_SINGLE);

	if (sdiff(id, m->m_cur) < 0) {
		m->m_st.packets_late++;
		if (++m->m_late_run >= MEDIA_REBASE) {
			drop_range(m, m->m_hi + 1);
			m->m_started = 0;
		}
		return end;
	}
	m->m_late_run = 0;
	if (sdiff(id, m->m_cur) >= MEDIA_WINDOW) {
		/* Slide the window: what is complete before it still goes. */
		uint32_t base = id - MEDIA_WINDOW + 1;

		end |= pump(m, now, 0, base);
		drop_range(m, base);
	}
	if (sdiff(id, m->m_hi) > 0)
		m->m_hi = id;

	s = slot_at(m, id);
	if (s->sl_id == id && s->sl_state != SLOT_EMPTY) {
		m->m_st.packets_dup++;
		return end;
	}
	if (video && (flag == WIRE_FLAG_FIRST || flag == WIRE_FLAG_MIDDLE ||
	    flag == WIRE_FLAG_LAST || flag == WIRE_FLAG_SINGLE)) {
		if (store(m, s, id, flag, p, len, now) == -1) {
			m->m_st.packets_late++;
			return end;
		}
	} else {
		/* Audio, or a video flag that can be no part of a frame. */
		s->sl_id = id;
		s->sl_state = SLOT_DONE;
		s->sl_complete = 0;
		if (!video)
			audio(m, (uint8_t)h->wh_cmd, p, len, now);
	}
	end |= pump(m, now, 0, m->m_cur);
	return end;
}

void
media_tick(struct media *m, uint64_t now)
{
	void *b;

	if (m->m_ring == NULL)
		return;
	pump(m, now, 1, m->m_cur);
	/* After a burst of held frames, give the surplus back. */
	while (m->m_nblocks - m->m_inuse > MEDIA_SPARE) {
		b = m->m_free;
		memcpy(&m->m_free, b, sizeof(void *));
		free(b);
		m->m_nblocks--;
	}
	/* A silent camera goes back to its idle footprint. */
	if (m->m_inuse == 0 && now >= m->m_last &&
	    now - m->m_last >= MEDIA_IDLE_NS)
		release(m);
}

int
media_confirm_take(struct media *m, uint8_t *out, size_t outsz, size_t *len)
{
	size_t i, n;

	*len = 0;
	if (m->m_ack_state == 0)
		return 0;
	if (m->m_ack_state == 1) {
		/* The reference servers' empty 605 after the first frame. */
		m->m_ack_state = 2;
		m->m_st.confirms++;
		return 1;
	}
	n = outsz / 4;
	if (n > m->m_ack_n)
		n = m->m_ack_n;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		wire_put32(out + 4 * i,
		    m->m_ack[(m->m_ack_head + i) % MEDIA_CONFIRM_MAX]);
	m->m_ack_head = (m->m_ack_head + n) % MEDIA_CONFIRM_MAX;
	m->m_ack_n -= n;
	*len = 4 * n;
	m->m_st.confirms++;
	return 1;
}

struct media *
media_new(const struct media_cb *cb, void *arg)
{
	struct media *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (cb != NULL)
		m->m_cb = *cb;
	m->m_arg = arg;
	m->m_timeout = MEDIA_TIMEOUT_NS;
	m->m_hold = MEDIA_HOLD_NS;
	return m;
}

void
media_free(struct media *m)
{
	if (m == NULL)
		return;
	release(m);
	free(m);
}

void
media_reset(struct media *m)
{
	release(m);
	m->m_ack_state = 0;
	m->m_ack_head = m->m_ack_n = 0;
}

void
media_set_timeouts(struct media *m, uint64_t timeout_ns, uint64_t hold_ns)
{
	m->m_timeout = timeout_ns;
	m->m_hold = hold_ns;
}

const struct media_stats *
media_stats(const struct media *m)
{
	return &m->m_st;
}

size_t
media_memory(const struct media *m)
{
	return sizeof(*m) + (m->m_ring != NULL ?
	    MEDIA_WINDOW * sizeof(*m->m_ring) : 0) +
	    (size_t)m->m_nblocks * MEDIA_BLOCK + m->m_asmcap;
}
