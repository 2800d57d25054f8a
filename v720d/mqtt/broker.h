/*
 * One broker connection through libmosquitto, driven by our libevent
 * loop (no libmosquitto thread): connect without blocking, keepalive,
 * reconnect with backoff (1 s doubling to 30 s, with jitter), and a
 * callback on every (re)connection so the owner republishes everything.
 */
#ifndef V720_MQTT_BROKER_H
#define V720_MQTT_BROKER_H

#include <stddef.h>
#include <stdint.h>

#include <event.h>

struct mosquitto;
struct mosquitto_message;
struct broker;

typedef void	(*broker_connect_cb)(struct broker *, void *);
typedef void	(*broker_message_cb)(struct broker *,
		    const struct mosquitto_message *, void *);

struct broker {
	const char		*b_name;	/* for the log */
	struct mosquitto	*b_mosq;
	char			 b_host[64];
	int			 b_port;
	int			 b_keepalive;
	int			 b_fd;
	int			 b_started;	/* connect_async done once */
	int			 b_connected;	/* CONNACK 0 received */
	int			 b_backoff_ms;
	uint64_t		 b_attempt_ms;	/* when the attempt started */
	struct event		 b_rd, b_wr, b_tick, b_retry;
	int			 b_events;	/* b_rd/b_tick set */
	broker_connect_cb	 b_on_connect;
	broker_message_cb	 b_on_message;
	void			*b_arg;
	/* counters, for the stats line and the bench */
	uint64_t		 b_msgs_in, b_msgs_out, b_connects;
};

/* Once, before chroot. */
void	broker_lib_init(void);
/*
 * Set up b for host:port (numeric), with optional user/password, and a
 * retained will (topic NULL: none).  The client id is id.
 */
int	broker_init(struct broker *, const char *name, const char *id,
	    const char *host, int port, const char *user, const char *pass,
	    const char *will_topic, const char *will_payload, int keepalive,
	    broker_connect_cb, broker_message_cb, void *arg);
void	broker_start(struct broker *);
/* Publish (QoS 0, or 1 for qos): 0, or -1 when not connected or failed. */
int	broker_publish(struct broker *, const char *topic, const void *,
	    size_t, int retain, int qos);
int	broker_subscribe(struct broker *, const char *pattern, int qos);
/* Disconnect cleanly (the will is not sent) and free. */
void	broker_close(struct broker *);

#endif
