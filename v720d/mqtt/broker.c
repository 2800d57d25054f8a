/* libmosquitto on our libevent loop; see broker.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>
#include <mosquitto.h>

#include "log.h"
#include "proc.h"
#include "broker.h"

#define BACKOFF_MIN_MS		1000
#define BACKOFF_MAX_MS		30000
#define CONNECT_TIMEOUT_MS	10000
#define TICK_MS			500

static void	broker_lost(struct broker *, const char *why);
static void	broker_update(struct broker *);

void
broker_lib_init(void)
{
	if (mosquitto_lib_init() != MOSQ_ERR_SUCCESS)
		fatalx("mosquitto_lib_init");
}

static void
on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct broker	*b = arg;

	if (rc != 0) {
		log_warnx("mqtt %s broker %s port %d refused the connection: "
		    "%s", b->b_name, b->b_host, b->b_port,
		    mosquitto_connack_string(rc));
		/* The read handler sees the broker close; retry then. */
		return;
	}
	b->b_connected = 1;
	b->b_connects++;
	b->b_backoff_ms = BACKOFF_MIN_MS;
	log_info("connected to %s broker %s port %d", b->b_name,
	    b->b_host, b->b_port);
	if (b->b_on_connect != NULL)
		b->b_on_connect(b, b->b_arg);
}

static void
on_message(struct mosquitto *m, void *arg,
    const struct mosquitto_message *msg)
{
	struct broker	*b = arg;

	b->b_msgs_in++;
	if (b->b_on_message != NULL)
		b->b_on_message(b, msg, b->b_arg);
}

static void
on_log(struct mosquitto *m, void *arg, int level, const char *s)
{
	struct broker	*b = arg;

	if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING))
		log_debug("mqtt %s: libmosquitto: %s", b->b_name, s);
}

int
broker_init(struct broker *b, const char *name, const char *id,
    const char *host, int port, const char *user, const char *pass,
    const char *will_topic, const char *will_payload, int keepalive,
    broker_connect_cb ccb, broker_message_cb mcb, void *arg)
{
	memset(b, 0, sizeof(*b));
	b->b_name = name;
	b->b_fd = -1;
	b->b_port = port;
	b->b_keepalive = keepalive;
	b->b_backoff_ms = BACKOFF_MIN_MS;
	b->b_on_connect = ccb;
	b->b_on_message = mcb;
	b->b_arg = arg;
	if (strlcpy(b->b_host, host, sizeof(b->b_host)) >= sizeof(b->b_host))
		return -1;
	if ((b->b_mosq = mosquitto_new(id, true, b)) == NULL)
		return -1;
	mosquitto_int_option(b->b_mosq, MOSQ_OPT_PROTOCOL_VERSION,
	    MQTT_PROTOCOL_V311);
	mosquitto_connect_callback_set(b->b_mosq, on_connect);
	mosquitto_message_callback_set(b->b_mosq, on_message);
	mosquitto_log_callback_set(b->b_mosq, on_log);
	if (user != NULL && user[0] != '\0' &&
	    mosquitto_username_pw_set(b->b_mosq, user,
	    pass != NULL && pass[0] != '\0' ? pass : NULL) != MOSQ_ERR_SUCCESS)
		goto fail;
	if (will_topic != NULL && mosquitto_will_set(b->b_mosq, will_topic,
	    strlen(will_payload), will_payload, 1, true) != MOSQ_ERR_SUCCESS)
		goto fail;
	return 0;
fail:
	mosquitto_destroy(b->b_mosq);
	b->b_mosq = NULL;
	return -1;
}

static void
events_del(struct broker *b)
{
	if (!b->b_events)
		return;
	event_del(&b->b_rd);
	event_del(&b->b_wr);
	event_del(&b->b_tick);
	b->b_events = 0;
	b->b_fd = -1;
}

static void
broker_read_cb(int fd, short ev, void *arg)
{
	struct broker	*b = arg;
	int		 rc;

	if ((rc = mosquitto_loop_read(b->b_mosq, 64)) != MOSQ_ERR_SUCCESS) {
		broker_lost(b, mosquitto_strerror(rc));
		return;
	}
	broker_update(b);
}

static void
broker_write_cb(int fd, short ev, void *arg)
{
	struct broker	*b = arg;
	int		 rc;

	if ((rc = mosquitto_loop_write(b->b_mosq, 1)) != MOSQ_ERR_SUCCESS) {
		broker_lost(b, mosquitto_strerror(rc));
		return;
	}
	broker_update(b);
}

static void
broker_tick_cb(int fd, short ev, void *arg)
{
	struct broker	*b = arg;
	int		 rc;

	if (!b->b_connected &&
	    proc_now_ms() - b->b_attempt_ms > CONNECT_TIMEOUT_MS) {
		broker_lost(b, "no answer to CONNECT");
		return;
	}
	/* Keepalive: PINGREQ due, or PINGRESP overdue (then it closes). */
	if ((rc = mosquitto_loop_misc(b->b_mosq)) != MOSQ_ERR_SUCCESS ||
	    mosquitto_socket(b->b_mosq) == -1) {
		broker_lost(b, rc != MOSQ_ERR_SUCCESS ? mosquitto_strerror(rc) :
		    "keepalive");
		return;
	}
	broker_update(b);
}

/* Watch the socket libmosquitto has now; write interest while it wants. */
static void
broker_update(struct broker *b)
{
	struct timeval	tv = { 0, TICK_MS * 1000 };
	int		fd = mosquitto_socket(b->b_mosq);

	if (fd == -1) {
		broker_lost(b, "connection closed");
		return;
	}
	if (fd != b->b_fd) {
		events_del(b);
		b->b_fd = fd;
		event_set(&b->b_rd, fd, EV_READ | EV_PERSIST, broker_read_cb, b);
		event_set(&b->b_wr, fd, EV_WRITE, broker_write_cb, b);
		evtimer_set(&b->b_tick, broker_tick_cb, b);
		event_add(&b->b_rd, NULL);
		evtimer_add(&b->b_tick, &tv);
		b->b_events = 1;
	} else if (!evtimer_pending(&b->b_tick, NULL))
		evtimer_add(&b->b_tick, &tv);
	if (mosquitto_want_write(b->b_mosq))
		event_add(&b->b_wr, NULL);
	else
		event_del(&b->b_wr);
}

static void
broker_retry_cb(int fd, short ev, void *arg)
{
	struct broker	*b = arg;
	int		 rc;

	b->b_attempt_ms = proc_now_ms();
	if (!b->b_started)
		rc = mosquitto_connect_async(b->b_mosq, b->b_host, b->b_port,
		    b->b_keepalive);
	else
		rc = mosquitto_reconnect_async(b->b_mosq);
	b->b_started = 1;
	if (rc == MOSQ_ERR_EAI)
		/* The parent resolves names; it does again when it restarts us. */
		fatalx("cannot resolve %s broker %s inside the chroot",
		    b->b_name, b->b_host);
	if (rc != MOSQ_ERR_SUCCESS) {
		broker_lost(b, rc == MOSQ_ERR_ERRNO ? strerror(errno) :
		    mosquitto_strerror(rc));
		return;
	}
	broker_update(b);
}

static void
broker_lost(struct broker *b, const char *why)
{
	struct timeval	tv;
	int		ms;

	events_del(b);
	if (b->b_connected)
		log_warnx("lost %s broker %s port %d: %s", b->b_name,
		    b->b_host, b->b_port, why);
	else
		log_debug("%s broker %s port %d: %s", b->b_name,
		    b->b_host, b->b_port, why);
	b->b_connected = 0;
	/* Close the socket now; the next attempt makes a new one. */
	mosquitto_disconnect(b->b_mosq);
	ms = b->b_backoff_ms + arc4random_uniform(b->b_backoff_ms / 4 + 1);
	b->b_backoff_ms = b->b_backoff_ms * 2 > BACKOFF_MAX_MS ?
	    BACKOFF_MAX_MS : b->b_backoff_ms * 2;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_set(&b->b_retry, broker_retry_cb, b);
	evtimer_add(&b->b_retry, &tv);
}

void
broker_start(struct broker *b)
{
	broker_retry_cb(-1, 0, b);
}

int
broker_publish(struct broker *b, const char *topic, const void *p,
    size_t len, int retain, int qos)
{
	int	rc;

	if (!b->b_connected)
		return -1;
	if ((rc = mosquitto_publish(b->b_mosq, NULL, topic, (int)len, p, qos,
	    retain)) != MOSQ_ERR_SUCCESS) {
		log_debug("publish %s: %s", topic,
		    mosquitto_strerror(rc));
		return -1;
	}
	b->b_msgs_out++;
	if (b->b_events && mosquitto_want_write(b->b_mosq))
		event_add(&b->b_wr, NULL);
	return 0;
}

int
broker_subscribe(struct broker *b, const char *pattern, int qos)
{
	if (mosquitto_subscribe(b->b_mosq, NULL, pattern, qos) !=
	    MOSQ_ERR_SUCCESS)
		return -1;
	if (b->b_events && mosquitto_want_write(b->b_mosq))
		event_add(&b->b_wr, NULL);
	return 0;
}

void
broker_close(struct broker *b)
{
	if (b->b_mosq == NULL)
		return;
	events_del(b);
	if (evtimer_initialized(&b->b_retry))
		evtimer_del(&b->b_retry);
	if (b->b_connected) {
		/* A clean DISCONNECT: the broker drops the will. */
		mosquitto_disconnect(b->b_mosq);
		(void)mosquitto_loop_write(b->b_mosq, 1);
	}
	mosquitto_destroy(b->b_mosq);
	b->b_mosq = NULL;
	b->b_connected = 0;
}
