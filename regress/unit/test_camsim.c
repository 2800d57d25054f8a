/*
 * camsim's pure parts: frame building and fragmentation (PROTOCOL.md
 * section 5), the fault injector's rates, SHA-256 and the A-law tone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "wire.h"
#include "frag.h"
#include "fault.h"
#include "sha256.h"
#include "camsim.h"

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	uint8_t	*p;
	long	 n;

	cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	cr_assert_not_null(p = malloc((size_t)n));
	cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* A frame rebuilt from its packets the way a server must do it. */
static size_t
reassemble(const uint8_t *frame, size_t flen, uint8_t *out, int *npkts)
{
	uint8_t	hdr[20];
	size_t	off = 0, total = 0, plen;
	int	i, n = frag_count(flen);
	struct wire_hdr	h;

	for (i = 0; i < n; i++) {
		frag_header(hdr, flen, i, n, 1000 + (uint32_t)i);
		cr_assert_eq(wire_hdr_decode(hdr, 20, 1500, &h), 0);
		plen = h.wh_len;
		cr_assert_eq(h.wh_cmd, WIRE_CMD_JPEG);
		cr_assert_eq(h.wh_pkg_id, 1000 + (uint32_t)i);
		cr_assert_eq(memcmp(h.wh_fwd, "\0\0\0\0\0\0\0\0", 8), 0,
		    "the camera sends 8 zero bytes");
		if (n == 1)
			cr_assert_eq(h.wh_msg_flag, 255);
		else
			cr_assert_eq(h.wh_msg_flag, i == 0 ? 250 : i == n - 1 ?
			    252 : 251);
		if (i < n - 1)
			cr_assert_eq(plen, 1004, "packet %d has %zu", i, plen);
		memcpy(out + total, frame + off, plen);
		off += plen;
		total += plen;
	}
	*npkts = n;
	/* The size trailer ends the concatenation. */
	cr_assert_eq(wire_get32(out + total - 4), total - 4);
	return total - 4;
}

Test(camsim_frag, known_jpeg_gives_exact_packets_and_trailer)
{
	size_t	 jlen, flen;
	uint8_t	*jpeg, *frame, *back;
	int	 n;
	const char *com = "camsim 0800c0000001 frame 1";

	jpeg = slurp(CAMSIM_TOP "/regress/data/scene1.jpg", &jlen);
	cr_assert_eq(jlen, 25707);
	frame = malloc(frag_bufsize(jlen));
	back = malloc(frag_bufsize(jlen));
	flen = frag_build(frame, frag_bufsize(jlen), jpeg, jlen, com, 0);
	/* SOI + COM(FF FE, 2-byte length, text) + the rest of the JPEG. */
	cr_assert_eq(flen, jlen + 4 + strlen(com));
	cr_assert_eq(frame[2], 0xff);
	cr_assert_eq(frame[3], 0xfe);
	cr_assert_eq((size_t)(frame[4] << 8 | frame[5]), 2 + strlen(com));
	cr_assert_eq(memcmp(frame + 6, com, strlen(com)), 0);
	cr_assert_eq(memcmp(frame + 6 + strlen(com), jpeg + 2, jlen - 2), 0);
	cr_assert_eq(frame[flen - 2], 0xff);
	cr_assert_eq(frame[flen - 1], 0xd9);
	/* 25738 + 4 = 25742 = 25 * 1004 + 642. */
	cr_assert_eq(frag_count(flen), 26);
	cr_assert_eq(frag_len(flen, 25), 642);
	cr_assert_eq(reassemble(frame, flen, back, &n), flen);
	cr_assert_eq(memcmp(back, frame, flen), 0);
	free(jpeg);
	free(frame);
	free(back);
}

Test(camsim_frag, tail_padding_makes_the_trailer_straddle)
{
	size_t	 jlen, flen;
	uint8_t	*jpeg, *frame, *back;
	int	 tail, n;

	jpeg = slurp(CAMSIM_TOP "/regress/data/scene2.jpg", &jlen);
	frame = malloc(frag_bufsize(jlen));
	back = malloc(frag_bufsize(jlen));
	for (tail = 1; tail <= 1004; tail += (tail < 8 ? 1 : 199)) {
		flen = frag_build(frame, frag_bufsize(jlen), jpeg, jlen, "x",
		    tail);
		cr_assert_gt(flen, jlen);
		n = frag_count(flen);
		cr_assert_eq(frag_len(flen, n - 1), (size_t)tail, "tail %d", tail);
		/* tail 1..3: the last packet holds only part of the trailer. */
		cr_assert_eq(reassemble(frame, flen, back, &n), flen);
		cr_assert_eq(memcmp(back, frame, flen), 0);
	}
	free(jpeg);
	free(frame);
	free(back);
}

Test(camsim_frag, small_jpeg_is_one_packet_flag_255)
{
	size_t	 jlen, flen;
	uint8_t	*jpeg, *frame, *back;
	int	 n;

	jpeg = slurp(CAMSIM_TOP "/regress/data/small/tiny.jpg", &jlen);
	frame = malloc(frag_bufsize(jlen));
	back = malloc(frag_bufsize(jlen));
	flen = frag_build(frame, frag_bufsize(jlen), jpeg, jlen, "tiny", 0);
	cr_assert_eq(frag_count(flen), 1);
	cr_assert_eq(reassemble(frame, flen, back, &n), flen);
	cr_assert_eq(frag_flag(0, 1), 255);
	free(jpeg);
	free(frame);
	free(back);
}

Test(camsim_frag, rejects_non_jpeg)
{
	uint8_t	out[4096], junk[100] = { 0x12, 0x34 };

	cr_assert_eq(frag_build(out, sizeof(out), junk, sizeof(junk), "x", 0), 0);
}

static void
rates(double loss, double dup, double reorder)
{
	struct fault		f = { loss, dup, reorder };
	struct fault_stats	st = { 0, 0, 0 };
	struct rng		r;
	int			order[2 * 30], seen[30], i, m, total = 0;
	const int		batches = 4000, n = 26;
	double			N = batches * n;

	rng_seed(&r, 42, 1);
	for (i = 0; i < batches; i++) {
		m = fault_plan(&f, &r, n, order, &st);
		total += m;
		memset(seen, 0, sizeof(seen));
		for (int j = 0; j < m; j++) {
			cr_assert(order[j] >= 0 && order[j] < n);
			seen[order[j]]++;
		}
		for (int j = 0; j < n; j++)
			cr_assert_leq(seen[j], 2);
	}
	cr_assert_eq(total, (int)(N - st.fs_lost + st.fs_dup));
	cr_assert_float_eq(st.fs_lost / N, loss, 0.01 + loss * 0.1,
	    "loss %g", st.fs_lost / N);
	cr_assert_float_eq(st.fs_dup / (N - st.fs_lost), dup, 0.01 + dup * 0.1,
	    "dup %g", st.fs_dup / (N - st.fs_lost));
	cr_assert_float_eq(st.fs_reordered / (double)total, reorder,
	    0.01 + reorder * 0.1, "reorder %g", st.fs_reordered / (double)total);
}

Test(camsim_fault, rates_within_tolerance)
{
	rates(0, 0, 0);
	rates(0.1, 0, 0);
	rates(0, 0.05, 0);
	rates(0, 0, 0.2);
	rates(0.3, 0.2, 0.1);
}

Test(camsim_fault, no_faults_keeps_order)
{
	struct fault		f = { 0, 0, 0 };
	struct fault_stats	st = { 0, 0, 0 };
	struct rng		r;
	int			order[64], i;

	rng_seed(&r, 1, 1);
	cr_assert_eq(fault_plan(&f, &r, 32, order, &st), 32);
	for (i = 0; i < 32; i++)
		cr_assert_eq(order[i], i);
}

Test(camsim_fault, reorder_really_permutes)
{
	struct fault		f = { 0, 0, 0.5 };
	struct fault_stats	st = { 0, 0, 0 };
	struct rng		r;
	int			order[64], i, moved = 0;

	rng_seed(&r, 7, 1);
	cr_assert_eq(fault_plan(&f, &r, 32, order, &st), 32);
	for (i = 0; i < 32; i++)
		moved += order[i] != i;
	cr_assert_gt(moved, 4);
}

Test(camsim_fault, same_seed_same_plan)
{
	struct fault		f = { 0.2, 0.2, 0.2 };
	struct fault_stats	st = { 0, 0, 0 };
	struct rng		a, b;
	int			o1[64], o2[64], m1, m2;

	rng_seed(&a, 99, 3);
	rng_seed(&b, 99, 3);
	m1 = fault_plan(&f, &a, 26, o1, &st);
	m2 = fault_plan(&f, &b, 26, o2, &st);
	cr_assert_eq(m1, m2);
	cr_assert_eq(memcmp(o1, o2, sizeof(int) * (size_t)m1), 0);
}

Test(camsim_fault, garbage_kinds_are_what_they_say)
{
	struct rng	r;
	struct wire_hdr	h;
	uint8_t		buf[65536];
	size_t		n;
	int		k, i;

	rng_seed(&r, 5, 5);
	for (i = 0; i < 200; i++)
		cr_assert(GARBAGE_TCP_SAFE(garbage_pick(&r, 1, 0)));
	for (k = 0; k < GARBAGE_NKINDS; k++) {
		n = garbage_make(&r, (enum garbage_kind)k, 1, buf, sizeof(buf));
		cr_assert_gt(n, 0, "%s", garbage_name((enum garbage_kind)k));
		if (k == GARBAGE_TRUNC_HDR) {
			cr_assert_lt(n, WIRE_HDR_LEN);
			continue;
		}
		cr_assert_eq(wire_hdr_decode(buf, n, 0xffffffffu, &h), 0);
		if (GARBAGE_TCP_SAFE(k))
			cr_assert_eq(h.wh_len, n - WIRE_HDR_LEN, "%s framed",
			    garbage_name((enum garbage_kind)k));
		if (k == GARBAGE_HUGE_JSON)
			cr_assert_gt(h.wh_len, 8192);
		if (k == GARBAGE_HUGE_LEN)
			cr_assert_gt(h.wh_len, 1u << 30);
	}
	for (i = 0; i < 1000; i++) {
		n = fault_split(&r, 500);
		cr_assert(n >= 1 && n <= 500);
	}
}

Test(camsim_sha256, known_answers)
{
	char	hex[65];

	sha256_hex("", 0, hex);
	cr_assert_str_eq(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	cr_assert_str_eq(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, hex);
	cr_assert_str_eq(hex,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(camsim_sha256, incremental_equals_one_shot)
{
	uint8_t		data[3000], d1[32];
	struct sha256	s;
	char		hex[65], hex2[65];
	size_t		i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	sha256_hex(data, sizeof(data), hex);
	sha256_init(&s);
	for (i = 0; i < sizeof(data); i += 77)
		sha256_update(&s, data + i, sizeof(data) - i < 77 ?
		    sizeof(data) - i : 77);
	sha256_final(&s, d1);
	for (i = 0; i < 32; i++)
		snprintf(hex2 + 2 * i, 3, "%02x", d1[i]);
	cr_assert_str_eq(hex, hex2);
}

Test(camsim_audio, alaw_tone_is_periodic_and_not_silent)
{
	uint8_t	a[512], b[512];
	int	i, distinct = 0;

	audio_chunk(0, a, sizeof(a));
	audio_chunk(8000, b, sizeof(b));	/* 440 whole periods later */
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0);
	for (i = 1; i < 512; i++)
		distinct += a[i] != a[i - 1];
	cr_assert_gt(distinct, 400);
	/* A-law of 0 is 0xd5 (positive zero); the tone starts there. */
	cr_assert_eq(a[0], 0xd5);
}
