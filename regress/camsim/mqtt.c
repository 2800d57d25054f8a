/*
 * camsim's MQTT side channel, through libmosquitto on camsim's libevent
 * loop.  It logs in as the capture shows (PROTOCOL.md section 9, frames
 * 45-58): MQTT 3.1.1, clean session, client id and user name = uid, a
 * password that changes (in quotes, as captured), keepalive 10, will
 * (QoS 1) Status 0; subscribes to sub/<uid> at QoS 1, publishes Status 1
 * and two Info messages (the second once the SD card is read).  With
 * --firmware (the 56... family, section 10) it sends Status 0 then 1 and
 * an Info of that family's fields (the report lists no devicesCode; camsim
 * sends one, so that its later Info echoes can be told apart; v720-mqtt
 * also copes without, see naxclow.c).  Settings on
 * sub/<uid> are logged as forwards, acted on, and echoed in a new Info.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

#include "json.h"
#include "jsonw.h"
#include "log.h"
#include "proc.h"
#include "camsim.h"

#define NAX		"Naxclow/P2P/Users/Device/"
#define KEEPALIVE	10
#define SD_READ_MS	1500	/* second Info, as the capture */
#define TICK_MS		1000

static int	lib_ready;

static void	mq_update(struct cam *);

static void
mq_events_del(struct cam *c)
{
	if (!c->cam_mq_events)
		return;
	event_del(&c->cam_mq_rd);
	event_del(&c->cam_mq_wr);
	c->cam_mq_events = 0;
	c->cam_mq_fd = -1;
}

static void
mq_lost(struct cam *c, const char *why)
{
	mq_events_del(c);
	evtimer_del(&c->cam_mq_info);
	if (c->cam_mq_up)
		camlog_event(c, "mqtt-lost", why);
	c->cam_mq_up = 0;
	mosquitto_disconnect(c->cam_mosq);
	/* Back after a while, like the TCP side. */
	mqtt_cam_start(c, c->cam_sim->cs_o.o_backoff_ms +
	    (int)rng_below(&c->cam_rng, 500));
}

static void
mq_publish(struct cam *c, const char *topic, const char *js, int qos)
{
	if (mosquitto_publish(c->cam_mosq, NULL, topic, (int)strlen(js), js,
	    qos, false) != MOSQ_ERR_SUCCESS)
		log_debug("%s: mqtt publish failed", c->cam_uid);
	mq_update(c);
}

static void
status(struct cam *c, int st)
{
	char	js[128];

	/* Spacing as captured: "status": 1 */
	snprintf(js, sizeof(js), "{\"device\":\"%s\",\"token\":\"NAXCLOW\","
	    "\"status\": %d}", c->cam_uid, st);
	mq_publish(c, NAX "Status", js, 0);
}

static void
rand_str(struct cam *c, char *out, size_t n, const char *alphabet)
{
	size_t	i, k = strlen(alphabet);

	for (i = 0; i + 1 < n; i++)
		out[i] = alphabet[rng_below(&c->cam_rng, (uint32_t)k)];
	out[n - 1] = '\0';
}

/* Info as the capture has it (frames 54 and 58), or the 56... family's. */
static void
info(struct cam *c)
{
	struct camsim	*cs = c->cam_sim;
	char		 js[1024], rnd[7], tok[11], det[96];
	struct timespec	 ts;
	int		 sd = c->cam_sd_read;

	rand_str(c, rnd, sizeof(rnd), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	rand_str(c, tok, sizeof(tok), "0123456789abcdef");
	if (cs->cs_o.o_firmware)
		snprintf(js, sizeof(js), "{\"pirDevice\": 1,\"pirSysMode\": %d,"
		    "\"devPower\": %d,\"pirGrade\": %d,\"moveGrade\": %d,"
		    "\"instLed\": %d,\"sdCapacity\": %d,\"pirAlert\": 0,"
		    "\"IrLed\": %d,\"lightGrade\": 0,\"sdMoveMode\": %d,"
		    "\"sdCardReco\": %d,\"wifiName\":\"%s\",\"version\":"
		    "\"202411051530\",\"SD_freeDisk\": %d,\"SD_blockDisk\": %d,"
		    "\"devicesCode\":\"%s\"}",
		    c->cam_pirmode, c->cam_power, c->cam_pirgrade,
		    c->cam_movegrade, c->cam_instled, sd ? 60 : 0,
		    c->cam_irled, c->cam_sdmove, c->cam_sdreco, c->cam_wifi,
		    sd ? 35359 : -1, sd ? 60334 : -1, c->cam_uid);
	else
		snprintf(js, sizeof(js), "{\"apStatus\": 0,\"devPower\": %d,"
		    "\"sdCapacity\": %d,\"IrLed\": %d,\"SD_freeDisk\": %d,"
		    "\"SD_blockDisk\": %d,\"cameraState\": 0,\"sd_State\": %d,"
		    "\"sdMoveMode\": %d,\"sdCardReco\": %d,\"instLed\": %d,"
		    "\"random\":\"%s\",\"token\":\"%s\",\"devicesCode\":\"%s\","
		    "\"wifiName\":\"%s\",\"version\":\"%s\"}", c->cam_power,
		    sd ? 60 : 0, c->cam_irled, sd ? 35359 : -1,
		    sd ? 60334 : -1, sd, c->cam_sdmove, c->cam_sdreco,
		    c->cam_instled, rnd, tok, c->cam_uid, c->cam_wifi,
		    CAMSIM_FIRMWARE);
	mq_publish(c, NAX "Info", js, 0);
	c->cam_mq_infos++;
	cs->cs_st.st_mqtt_infos++;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(det, sizeof(det), "battery %d unix %lld.%06ld", c->cam_power,
	    (long long)ts.tv_sec, ts.tv_nsec / 1000);
	camlog_event(c, "mqtt-info", det);
}

static void
info_cb(int fd, short ev, void *arg)
{
	struct cam	*c = arg;
	struct camsim	*cs = c->cam_sim;

	if (!c->cam_mq_up)
		return;
	if (!c->cam_sd_read)
		c->cam_sd_read = 1;
	else if (cs->cs_o.o_info_every > 0) {
		/* A battery that drains, so each Info differs (bench). */
		c->cam_power = c->cam_power <= 1 ? 100 : c->cam_power - 1;
	}
	info(c);
	if (cs->cs_o.o_info_every > 0)
		camsim_timer(&c->cam_mq_info,
		    (long)(cs->cs_o.o_info_every * 1000));
}

static void
on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct cam	*c = arg;
	char		 t[96];

	if (rc != 0) {
		camlog_event(c, "mqtt-refused", mosquitto_connack_string(rc));
		return;
	}
	c->cam_mq_up = 1;
	c->cam_mq_infos = 0;
	c->cam_sd_read = 0;
	c->cam_sim->cs_st.st_mqtt_connects++;
	camlog_event(c, "mqtt-connected", NULL);
	snprintf(t, sizeof(t), NAX "sub/%s", c->cam_uid);
	mosquitto_subscribe(m, NULL, t, 1);
	if (c->cam_sim->cs_o.o_firmware)
		status(c, 0);
	status(c, 1);
	info(c);
	camsim_timer(&c->cam_mq_info, SD_READ_MS);
}

/* A setting on sub/<uid>: the same JSON as a forward's content. */
static void
on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct cam	*c = arg;
	struct json_doc	 d;
	char		 ans[2048];
	int64_t		 code;

	if (msg->payloadlen <= 0 || msg->payloadlen > 4096 ||
	    json_parse(&d, msg->payload, msg->payloadlen) == -1 ||
	    json_get_int(&d, "code", 0, 100000, &code) == -1) {
		camlog_event(c, "mqtt-bad", msg->topic);
		return;
	}
	c->cam_sim->cs_st.st_forwards++;
	camlog_forward(c, (int)code, msg->payload, (size_t)msg->payloadlen);
	camlog_event(c, "mqtt-forward", msg->topic);
	if (fwd_answer(c, &d, 0, ans, sizeof(ans)) == -1)
		return;
	if (code == 299) {
		/* Reboot: gone, and back a second later. */
		mq_lost(c, "reboot");
		return;
	}
	/* The echo: a new Info with the new state. */
	info(c);
}

static void
mq_read_cb(int fd, short ev, void *arg)
{
	struct cam	*c = arg;
	int		 rc;

	if ((rc = mosquitto_loop_read(c->cam_mosq, 16)) != MOSQ_ERR_SUCCESS) {
		mq_lost(c, mosquitto_strerror(rc));
		return;
	}
	mq_update(c);
}

static void
mq_write_cb(int fd, short ev, void *arg)
{
	struct cam	*c = arg;
	int		 rc;

	if ((rc = mosquitto_loop_write(c->cam_mosq, 16)) != MOSQ_ERR_SUCCESS) {
		mq_lost(c, mosquitto_strerror(rc));
		return;
	}
	mq_update(c);
}

static void
mq_tick_cb(int fd, short ev, void *arg)
{
	struct cam	*c = arg;

	if (c->cam_mq_events) {
		if (mosquitto_loop_misc(c->cam_mosq) != MOSQ_ERR_SUCCESS ||
		    mosquitto_socket(c->cam_mosq) == -1) {
			mq_lost(c, "keepalive");
			return;
		}
		mq_update(c);
	}
	camsim_timer(&c->cam_mq_tick, TICK_MS);
}

static void
mq_update(struct cam *c)
{
	int	fd = mosquitto_socket(c->cam_mosq);

	if (fd == -1)
		return;
	if (fd != c->cam_mq_fd) {
		mq_events_del(c);
		c->cam_mq_fd = fd;
		event_set(&c->cam_mq_rd, fd, EV_READ | EV_PERSIST, mq_read_cb,
		    c);
		event_set(&c->cam_mq_wr, fd, EV_WRITE, mq_write_cb, c);
		event_add(&c->cam_mq_rd, NULL);
		c->cam_mq_events = 1;
	}
	if (mosquitto_want_write(c->cam_mosq))
		event_add(&c->cam_mq_wr, NULL);
}

static void
mq_connect_cb(int fd, short ev, void *arg)
{
	struct cam		*c = arg;
	struct camsim		*cs = c->cam_sim;
	char			 host[INET_ADDRSTRLEN], pw[16], will[128];
	char			 tok[11];
	int			 rc;

	c->cam_mq_pending = 0;
	if (c->cam_mosq == NULL) {
		if ((c->cam_mosq = mosquitto_new(c->cam_uid, true, c)) == NULL)
			fatal("mosquitto_new");
		mosquitto_int_option(c->cam_mosq, MOSQ_OPT_PROTOCOL_VERSION,
		    MQTT_PROTOCOL_V311);
		mosquitto_connect_callback_set(c->cam_mosq, on_connect);
		mosquitto_message_callback_set(c->cam_mosq, on_message);
		snprintf(will, sizeof(will), "{\"device\":\"%s\",\"token\":"
		    "\"NAXCLOW\",\"status\": 0}", c->cam_uid);
		mosquitto_will_set(c->cam_mosq, NAX "Status",
		    (int)strlen(will), will, 1, false);
		evtimer_set(&c->cam_mq_info, info_cb, c);
		evtimer_set(&c->cam_mq_tick, mq_tick_cb, c);
		camsim_timer(&c->cam_mq_tick, TICK_MS);
	}
	/* A password that changes each login, quoted as in frame 45. */
	rand_str(c, tok, sizeof(tok), "0123456789abcdef");
	snprintf(pw, sizeof(pw), "\"%s\"", tok);
	mosquitto_username_pw_set(c->cam_mosq, c->cam_uid, pw);
	inet_ntop(AF_INET, &cs->cs_o.o_mqtt_addr.sin_addr, host, sizeof(host));
	if ((rc = mosquitto_connect_async(c->cam_mosq, host,
	    ntohs(cs->cs_o.o_mqtt_addr.sin_port), KEEPALIVE)) !=
	    MOSQ_ERR_SUCCESS) {
		log_debug("%s: mqtt connect: %s", c->cam_uid,
		    mosquitto_strerror(rc));
		mq_lost(c, "connect");
		return;
	}
	mq_update(c);
}

void
mqtt_cam_start(struct cam *c, int delay_ms)
{
	struct timeval	tv;

	if (c->cam_mq_pending)
		return;
	c->cam_mq_pending = 1;
	if (!lib_ready) {
		mosquitto_lib_init();
		lib_ready = 1;
	}
	c->cam_mq_fd = -1;
	if (!event_initialized(&c->cam_mq_tick))
		evtimer_set(&c->cam_mq_tick, mq_tick_cb, c);
	mq_events_del(c);
	tv.tv_sec = delay_ms / 1000;
	tv.tv_usec = (delay_ms % 1000) * 1000;
	event_once(-1, EV_TIMEOUT, mq_connect_cb, c, &tv);
}

void
mqtt_cam_stop(struct cam *c)
{
	if (c->cam_mosq == NULL)
		return;
	mq_events_del(c);
	evtimer_del(&c->cam_mq_info);
	evtimer_del(&c->cam_mq_tick);
	c->cam_mq_up = 0;
}

void
mqtt_cam_free(struct cam *c)
{
	mqtt_cam_stop(c);
	if (c->cam_mosq != NULL) {
		mosquitto_destroy(c->cam_mosq);
		c->cam_mosq = NULL;
	}
}
