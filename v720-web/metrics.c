/* GET /metrics: Prometheus text exposition format 0.0.4. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "web.h"

/* Upper bounds of the latency buckets, microseconds (LAT_BUCKETS). */
static const uint32_t lat_le_us[LAT_BUCKETS] = {
	100, 250, 500, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10000,
	25000, 50000, 100000, 250000, 1000000,
};

void
metrics_latency(struct lathist *h, uint64_t ns)
{
	int	i;

	h->lh_count++;
	h->lh_sum_ns += ns;
	for (i = 0; i < LAT_BUCKETS; i++)
		if (ns <= lat_le_us[i] * 1000ULL) {
			h->lh_b[i]++;
			break;
		}
}

static void
help(struct evbuffer *b, const char *name, const char *type, const char *text)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name,
	    type);
}

static void
histogram(struct evbuffer *b, const char *name, const char *text,
    const struct lathist *h)
{
	uint64_t	cum = 0;
	int		i;

	help(b, name, "histogram", text);
	for (i = 0; i < LAT_BUCKETS; i++) {
		cum += h->lh_b[i];
		evbuffer_add_printf(b, "%s_bucket{le=\"%g\"} %" PRIu64 "\n",
		    name, lat_le_us[i] / 1e6, cum);
	}
	evbuffer_add_printf(b, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name,
	    h->lh_count);
	evbuffer_add_printf(b, "%s_sum %.6f\n", name, h->lh_sum_ns / 1e9);
	evbuffer_add_printf(b, "%s_count %" PRIu64 "\n", name, h->lh_count);
}

/* A label value with \ " and newline escaped. */
static const char *
label(const char *s, char *buf, size_t sz)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 3 < sz; s++) {
		if (*s == '\\' || *s == '"') {
			buf[o++] = '\\';
			buf[o++] = *s;
		} else if (*s == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}


#define PER_CAM(name, type, text, fmt, expr) do {			\
	help(b, name, type, text);					\
	RB_FOREACH(cam, camtree, &web->w_cams) {			\
		if (!cam->cam_cfg && !cam->cam_known)			\
			continue;					\
		evbuffer_add_printf(b, "%s{camera=\"%s\"} " fmt "\n", name,\
		    label(cam->cam_id, lb, sizeof(lb)), (expr));	\
	}								\
} while (0)

static void
process_metrics(struct evbuffer *b)
{
	int64_t			 now = time(NULL);
	const struct proc_stat	*pr;
	char			 lb[2 * sizeof(pr->pr_name) + 1];
	size_t			 i;

	help(b, "v720_process_uptime_seconds", "gauge",
	    "Seconds since the process started.");
	evbuffer_add_printf(b, "v720_process_uptime_seconds{process=\"web\"} "
	    "%" PRId64 "\n", now - web->w_start);
	if (web->w_have_stats) {
		evbuffer_add_printf(b, "v720_process_uptime_seconds{process="
		    "\"parent\"} %" PRId64 "\n", now -
		    web->w_stats.ps_parent_start);
		for (i = 0; i < PROC_MAX; i++) {
			pr = &web->w_stats.ps_proc[i];
			if (i == PROC_WEB || pr->pr_name[0] == '\0' ||
			    pr->pr_start == 0)
				continue;
			evbuffer_add_printf(b, "v720_process_uptime_seconds"
			    "{process=\"%s\"} %" PRId64 "\n",
			    label(pr->pr_name, lb, sizeof(lb)),
			    now - pr->pr_start);
		}
	}
	help(b, "v720_process_restarts_total", "counter",
	    "Times the parent restarted the process.");
	if (!web->w_have_stats) {
		evbuffer_add_printf(b, "v720_process_restarts_total{process="
		    "\"engine\"} 0\n");
		evbuffer_add_printf(b, "v720_process_restarts_total{process="
		    "\"web\"} 0\n");
		return;
	}
	for (i = 0; i < PROC_MAX; i++) {
		pr = &web->w_stats.ps_proc[i];
		if (pr->pr_name[0] == '\0')
			continue;
		evbuffer_add_printf(b, "v720_process_restarts_total{process="
		    "\"%s\"} %u\n", label(pr->pr_name, lb, sizeof(lb)),
		    pr->pr_restarts);
	}
}

void
metrics_reply(struct conn *c)
{
	struct evbuffer	*b;
	struct cam	*cam;
	char		 lb[2 * V720_ID_MAX + 1];
	size_t		 len;

	if ((b = evbuffer_new()) == NULL) {
		reply_error(c, 500, "out of memory");
		return;
	}
	PER_CAM("v720_camera_up", "gauge", "1 if the camera is connected.",
	    "%d", cam->cam_known && cam->cam_info.ci_state != CAM_OFFLINE);
	PER_CAM("v720_camera_streaming", "gauge", "1 while the camera streams.",
	    "%d", cam->cam_known && cam->cam_info.ci_state == CAM_STREAMING);
	PER_CAM("v720_camera_frames_total", "counter",
	    "Complete frames received from the camera.", "%" PRIu64,
	    cam->cam_info.ci_frames);
	PER_CAM("v720_camera_dropped_frames_total", "counter",
	    "Frames dropped by the engine (all reasons).", "%" PRIu64,
	    cam->cam_info.ci_dropped);
	PER_CAM("v720_camera_bytes_total", "counter",
	    "JPEG bytes received from the camera.", "%" PRIu64,
	    cam->cam_info.ci_bytes);
	PER_CAM("v720_camera_fps", "gauge", "Frames per second, recent.",
	    "%.3f", cam->cam_info.ci_fps_milli / 1000.0);
	PER_CAM("v720_camera_viewers", "gauge",
	    "Viewers: MJPEG, audio and waiting snapshots.", "%u",
	    cam->cam_nviewers);
	PER_CAM("v720_camera_battery_percent", "gauge", "Battery, -1 unknown.",
	    "%d", (int)cam->cam_info.ci_battery);
	PER_CAM("v720_web_frames_delivered_total", "counter",
	    "Frames queued to viewers.", "%" PRIu64, cam->cam_deliveries);
	PER_CAM("v720_web_frames_skipped_total", "counter",
	    "Frames skipped for viewers that read too slowly.", "%" PRIu64,
	    cam->cam_skipped);
	PER_CAM("v720_web_bytes_sent_total", "counter",
	    "JPEG bytes queued to viewers.", "%" PRIu64, cam->cam_bytes_out);
	PER_CAM("v720_web_audio_chunks_total", "counter",
	    "Audio chunks received.", "%" PRIu64, cam->cam_audio_chunks);

	process_metrics(b);
	help(b, "v720_web_connections", "gauge", "Open HTTP connections.");
	evbuffer_add_printf(b, "v720_web_connections %zu\n", web->w_nconns);
	help(b, "v720_web_connections_max", "gauge",
	    "Connections accepted at most; more get 503.");
	evbuffer_add_printf(b, "v720_web_connections_max %zu\n",
	    web->w_conn_max);
	help(b, "v720_web_requests_total", "counter", "HTTP requests.");
	evbuffer_add_printf(b, "v720_web_requests_total %" PRIu64 "\n",
	    web->w_requests);
	help(b, "v720_web_connections_refused_total", "counter",
	    "Connections refused over the limit.");
	evbuffer_add_printf(b, "v720_web_connections_refused_total %" PRIu64
	    "\n", web->w_refused);
	help(b, "v720_web_connections_per_address_max", "gauge",
	    "Connections one source address may hold; more get 503.");
	evbuffer_add_printf(b, "v720_web_connections_per_address_max %zu\n",
	    peer_conn_max());
	help(b, "v720_web_connections_refused_address_total", "counter",
	    "Connections refused over the per-address limit.");
	evbuffer_add_printf(b, "v720_web_connections_refused_address_total %"
	    PRIu64 "\n", web->w_refused_addr);
	help(b, "v720_web_addresses", "gauge",
	    "Source addresses with connections or login throttling.");
	evbuffer_add_printf(b, "v720_web_addresses %zu\n", peer_count());
	help(b, "v720_web_misdirected_total", "counter",
	    "Requests refused with 421: a Host that is not ours.");
	evbuffer_add_printf(b, "v720_web_misdirected_total %" PRIu64 "\n",
	    web->w_misdirected);
	help(b, "v720_web_auth_failures_total", "counter",
	    "Requests refused with 401.");
	evbuffer_add_printf(b, "v720_web_auth_failures_total %" PRIu64 "\n",
	    web->w_auth_fail);
	help(b, "v720_web_auth_throttled_total", "counter",
	    "Login attempts refused with 429, without checking them.");
	evbuffer_add_printf(b, "v720_web_auth_throttled_total %" PRIu64 "\n",
	    web->w_auth_throttled);
	help(b, "v720_web_playback_surplus_frames_total", "counter",
	    "Playback frames the recorder sent unasked, dropped.");
	evbuffer_add_printf(b, "v720_web_playback_surplus_frames_total %"
	    PRIu64 "\n", web->w_play_surplus);
	histogram(b, "v720_web_delivery_latency_seconds", "From the engine's "
	    "last packet of a frame to its last byte written to a viewer "
	    "socket.", &web->w_lat);
	histogram(b, "v720_web_ingest_latency_seconds", "From the engine's "
	    "last packet of a frame to its arrival in v720-web.",
	    &web->w_ingest);
	histogram(b, "v720_web_send_latency_seconds", "From a frame's arrival "
	    "in v720-web to its last byte written to a viewer socket.",
	    &web->w_send);

	len = evbuffer_get_length(b);
	reply(c, 200, "text/plain; version=0.0.4; charset=utf-8",
	    evbuffer_pullup(b, len), len, NULL);
	evbuffer_free(b);
}
