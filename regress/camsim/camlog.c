/*
 * The --log file: one JSON object per line, flushed per line so a test
 * can read it while camsim runs.  See README for the format.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proc.h"
#include "wire.h"
#include "sha256.h"
#include "camsim.h"

void
camlog_open(struct camsim *cs)
{
	if (cs->cs_o.o_logpath == NULL)
		return;
	if (strcmp(cs->cs_o.o_logpath, "-") == 0)
		cs->cs_log = stdout;
	else if ((cs->cs_log = fopen(cs->cs_o.o_logpath, "a")) == NULL)
		fatal("%s", cs->cs_o.o_logpath);
	setvbuf(cs->cs_log, NULL, _IOLBF, 1 << 16);
}

static double
now_s(struct camsim *cs)
{
	return (double)(proc_now_ms() - cs->cs_start_ms) / 1000.0;
}

void
camlog_frame(struct cam *c, long n, const uint8_t *frame, size_t len,
    int npkts, uint32_t first)
{
	struct camsim	*cs = c->cam_sim;
	char		 hex[2 * SHA256_LEN + 1];
	struct timeval	 tv;

	if (cs->cs_log == NULL)
		return;
	sha256_hex(frame, len, hex);
	gettimeofday(&tv, NULL);
	fprintf(cs->cs_log, "{\"ev\":\"frame\",\"cam\":\"%s\",\"n\":%ld,"
	    "\"sha256\":\"%s\",\"size\":%zu,\"pkts\":%d,\"first\":%" PRIu32
	    ",\"t\":%.3f,\"wall\":%.6f", c->cam_uid, n, hex, len, npkts, first,
	    now_s(cs), tv.tv_sec + tv.tv_usec / 1e6);
	if (cs->cs_o.o_scene.sc_on)
		fprintf(cs->cs_log, ",\"obj\":%d", c->cam_obj);
	fputs("}\n", cs->cs_log);
}

static void
ids_array(FILE *f, const uint8_t *p, size_t n)
{
	size_t	i;

	fputc('[', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%" PRIu32, i ? "," : "", wire_get32(p + 4 * i));
	fputc(']', f);
}

void
camlog_confirm(struct cam *c, const uint8_t *ids, size_t nids, int complete)
{
	struct camsim	*cs = c->cam_sim;

	if (cs->cs_log == NULL)
		return;
	fprintf(cs->cs_log, "{\"ev\":\"confirm\",\"cam\":\"%s\",\"frame\":%ld,"
	    "\"complete\":%s,\"n\":%zu,\"ids\":", c->cam_uid, c->cam_nframes,
	    complete ? "true" : "false", nids);
	ids_array(cs->cs_log, ids, nids);
	fprintf(cs->cs_log, ",\"t\":%.3f}\n", now_s(cs));
}

void
camlog_resend(struct cam *c, const uint32_t *ids, int n)
{
	struct camsim	*cs = c->cam_sim;
	int		 i;

	if (cs->cs_log == NULL)
		return;
	fprintf(cs->cs_log, "{\"ev\":\"resend\",\"cam\":\"%s\",\"frame\":%ld,"
	    "\"try\":%d,\"ids\":[", c->cam_uid, c->cam_nframes, c->cam_tries);
	for (i = 0; i < n; i++)
		fprintf(cs->cs_log, "%s%" PRIu32, i ? "," : "", ids[i]);
	fprintf(cs->cs_log, "],\"t\":%.3f}\n", now_s(cs));
}

void
camlog_forward(struct cam *c, int code, const char *content, size_t len)
{
	struct camsim	*cs = c->cam_sim;
	size_t		 i;

	if (cs->cs_log == NULL)
		return;
	fprintf(cs->cs_log, "{\"ev\":\"forward\",\"cam\":\"%s\",\"code\":%d,"
	    "\"content\":", c->cam_uid, code);
	/* The server's JSON object verbatim, kept on one line. */
	for (i = 0; i < len; i++)
		fputc(content[i] == '\n' || content[i] == '\r' ? ' ' :
		    content[i], cs->cs_log);
	fprintf(cs->cs_log, ",\"t\":%.3f}\n", now_s(cs));
}

/* --ptz: each TCP forward 212 with the time it came in. */
void
camlog_ptz(struct cam *c, int motor)
{
	struct camsim	*cs = c->cam_sim;

	if (cs->cs_log == NULL)
		return;
	fprintf(cs->cs_log, "{\"ev\":\"ptz\",\"cam\":\"%s\",\"motorState\":%d,"
	    "\"t\":%.3f}\n", c->cam_uid, motor, now_s(cs));
}

void
camlog_event(struct cam *c, const char *ev, const char *detail)
{
	struct camsim	*cs = c->cam_sim;
	size_t		 i;

	if (cs->cs_log == NULL)
		return;
	fprintf(cs->cs_log, "{\"ev\":\"%s\",\"cam\":\"%s\"", ev, c->cam_uid);
	if (detail != NULL) {
		fputs(",\"detail\":\"", cs->cs_log);
		for (i = 0; detail[i] != '\0'; i++)
			if (detail[i] != '"' && detail[i] != '\\' &&
			    (unsigned char)detail[i] >= 0x20)
				fputc(detail[i], cs->cs_log);
		fputc('"', cs->cs_log);
	}
	fprintf(cs->cs_log, ",\"t\":%.3f}\n", now_s(cs));
}

/*
 * One talk-back datagram: its header fields, the running count and
 * SHA-256 of all talk-back audio so far, in arrival order, and the same
 * for the current talk (numbered; a pause of a second starts the next).
 */
void
camlog_talk(struct cam *c, const struct wire_hdr *h, const uint8_t *p,
    size_t len)
{
	struct camsim	*cs = c->cam_sim;
	struct sha256	 ctx = c->cam_talk_sha;
	uint8_t		 md[SHA256_LEN];
	char		 hex[2 * SHA256_LEN + 1], fwd[2 * WIRE_FWD_LEN + 1];
	char		 hex1[2 * SHA256_LEN + 1];
	int		 i, a, seg, v, peak = 0;
	size_t		 k;

	if (cs->cs_log == NULL)
		return;
	/* The loudest sample (G.711 A-law decoded), to tell sound from
	 * silence. */
	for (k = 0; k < len; k++) {
		a = p[k] ^ 0x55;
		seg = (a & 0x70) >> 4;
		v = (a & 0x0f) << 4;
		v = seg == 0 ? v + 8 : (v + 0x108) << (seg - 1);
		if (v > peak)
			peak = v;
	}
	sha256_final(&ctx, md);
	for (i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ctx = c->cam_talk1_sha;
	sha256_final(&ctx, md);
	for (i = 0; i < SHA256_LEN; i++)
		snprintf(hex1 + 2 * i, 3, "%02x", md[i]);
	for (i = 0; i < WIRE_FWD_LEN; i++)
		snprintf(fwd + 2 * i, 3, "%02x", h->wh_fwd[i]);
	fprintf(cs->cs_log, "{\"ev\":\"talk\",\"cam\":\"%s\",\"pkg\":%" PRIu32
	    ",\"len\":%zu,\"msg_flag\":%u,\"deal_flag\":%u,\"fwd\":\"%s\","
	    "\"bytes\":%" PRIu64 ",\"sha256\":\"%s\",\"talk\":%u,"
	    "\"talk_bytes\":%" PRIu64 ",\"talk_sha256\":\"%s\",\"peak\":%d,"
	    "\"t\":%.3f}\n", c->cam_uid, h->wh_pkg_id, len, h->wh_msg_flag,
	    h->wh_deal_flag, fwd, c->cam_talk_bytes, hex, c->cam_talk_n,
	    c->cam_talk1_bytes, hex1, peak, now_s(cs));
}

/* User + system CPU seconds of this process. */
double
camlog_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

void
camlog_summary(struct camsim *cs, FILE *f)
{
	struct camsim_stats	*st = &cs->cs_st;
	double			 secs = now_s(cs), cpu = camlog_cpu();

	if (secs <= 0)
		secs = 0.001;
	fprintf(f, "{\"ev\":\"summary\",\"cameras\":%d,\"seconds\":%.3f,"
	    "\"frames\":%" PRIu64 ",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
	    ",\"retrans\":%" PRIu64 ",\"confirms\":%" PRIu64
	    ",\"confirmed_ids\":%" PRIu64 ",\"unconfirmed\":%" PRIu64
	    ",\"stalls\":%" PRIu64 ",\"audio\":%" PRIu64 ",\"forwards\":%" PRIu64
	    ",\"registers\":%" PRIu64 ",\"reconnects\":%" PRIu64
	    ",\"sendfail\":%" PRIu64 ",\"garbage\":%" PRIu64 ",\"lost\":%" PRIu64
	    ",\"dup\":%" PRIu64 ",\"reordered\":%" PRIu64 ",\"pkts_per_s\":%.0f"
	    ",\"cpu_s\":%.2f,\"cpu_pct\":%.1f,\"seed\":%" PRIu64
	    ",\"delayed\":%" PRIu64 ",\"delay_ms\":%.2f}\n",
	    cs->cs_o.o_ncams, secs, st->st_frames, st->st_packets, st->st_bytes,
	    st->st_retrans, st->st_confirms, st->st_confirmed,
	    st->st_unconfirmed, st->st_stalls, st->st_audio, st->st_forwards,
	    st->st_registers, st->st_reconnects, st->st_sendfail,
	    st->st_garbage, st->st_fault.fs_lost, st->st_fault.fs_dup,
	    st->st_fault.fs_reordered, (double)st->st_packets / secs, cpu,
	    100.0 * cpu / secs, cs->cs_o.o_seed, st->st_delayed,
	    st->st_delayed ? st->st_delay_ns / 1e6 / st->st_delayed : 0.0);
}
