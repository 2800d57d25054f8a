/* v720d's configuration: parsed by the parent only, pushed to the children. */
#ifndef V720D_CONFIG_H
#define V720D_CONFIG_H

#include <sys/queue.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "msg.h"

#define CONF_DEFAULT_FILE	"/etc/v720d.conf"
#define CONF_DEFAULT_CONTROL	"/run/v720d.sock"
#define CONF_DEFAULT_CAMPORT	6123
#define CONF_DEFAULT_BOOTPORT	80
#define CONF_DEFAULT_WEBPORT	8080
#define CONF_DEFAULT_IDLE	30
#define CONF_MAX_IDLE		86400
#define CONF_MAX_WEB_LISTEN	16
#define CONF_MAX_CAMERAS	4096
#define CONF_MAX_WEBUSERS	64
#define CONF_MAX_WEBNAMES	32
#define CONF_DEFAULT_WEB_PER_ADDR 64	/* connections per source address */
#define CONF_MAX_WEB_PER_ADDR	65535
#define CONF_DEFAULT_CAM_PER_ADDR 16	/* a home: one camera an address */
#define CONF_MAX_CAM_PER_ADDR	4096
#define CONF_DEFAULT_RECORDINGS	"/var/lib/v720d/recordings"
#define CONF_DEFAULT_KEEP_S	(7 * 86400)
#define CONF_DEFAULT_SEGMENT	300
#define CONF_MIN_SEGMENT	2
#define CONF_MAX_SEGMENT	3600
#define CONF_MAX_KEEP_DAYS	3650
#define CONF_DEFAULT_MOTION	5	/* motion sensitivity */
#define CONF_MAX_RTSP_LISTEN	16
#define CONF_DEFAULT_RTSP_ENCODER "libx264"
#define CONF_DEFAULT_RTSP_PER_ADDR 16	/* RTSP connections per address */
#define CONF_MAX_RTSP_PER_ADDR	65535
#define CONF_RTSP_UDP_PORTS	4	/* UDP P..P+3 beside TCP P */

struct conf_listen {
	TAILQ_ENTRY(conf_listen) entry;
	char		addr[V720_ADDR_MAX];	/* numeric address */
	uint16_t	port;
	int		tls;
};
TAILQ_HEAD(conf_listens, conf_listen);

struct conf_camera {
	TAILQ_ENTRY(conf_camera) entry;
	struct cfg_camera	cc;
	int			idle_set;	/* idle timeout given in block */
};
TAILQ_HEAD(conf_cameras, conf_camera);

struct conf_webuser {
	TAILQ_ENTRY(conf_webuser) entry;
	struct cfg_webuser	cw;
};
TAILQ_HEAD(conf_webusers, conf_webuser);

struct conf_webname {
	TAILQ_ENTRY(conf_webname) entry;
	struct cfg_webname	wn;
};
TAILQ_HEAD(conf_webnames, conf_webname);

#define CONF_DEFAULT_MQTTPORT	1883
#define CONF_MQTT_HOST_MAX	256

struct conf_broker {
	char		host[CONF_MQTT_HOST_MAX];	/* name or address */
	uint16_t	port;
	char		user[V720_NAME_MAX];
	char		password[V720_MQTT_STR];
	int		tls;
};

struct conf_mqtt {
	int			enabled;	/* "mqtt broker" given */
	struct conf_broker	broker;		/* Home Assistant's */
	int			cam_set;	/* "mqtt camera broker" given */
	struct conf_broker	cam;		/* the cameras' */
	char			discovery[V720_NAME_MAX];
	char			prefix[V720_NAME_MAX];
};

struct config {
	char			 user[V720_USER_MAX];
	char			 chroot[PATH_MAX];
	struct conf_listen	 camera;	/* TCP and UDP, same port */
	struct conf_listen	 bootstrap;
	char			 server_addr[V720_ADDR_MAX];
	struct conf_listens	 web;
	char			 tls_cert[PATH_MAX];
	char			 tls_key[PATH_MAX];
	struct conf_webusers	 webusers;
	struct conf_webnames	 webnames;	/* `web server name` */
	uint32_t		 web_per_addr;	/* connections per address */
	int			 web_compat_cmds;	/* GET /dev/{id}/cmd ... */
	char			 control_path[V720_PATH_MAX];
	int			 unknown_accept;
	int			 stream_always;	/* default for unlisted cameras */
	uint32_t		 idle_timeout;
	uint32_t		 cam_per_addr;	/* camera connections per address */
	struct conf_cameras	 cameras;
	struct conf_mqtt	 mqtt;
	char			 recordings[PATH_MAX];
	uint64_t		 rec_keep_s;	/* 0: no age limit */
	uint64_t		 rec_max_bytes;	/* 0: no size limit */
	uint32_t		 rec_segment_s;
	struct conf_listens	 rtsp;		/* empty: no rtsp child */
	char			 rtsp_encoder[V720_NAME_MAX];
	uint32_t		 rtsp_per_addr;	/* connections per address */
};

/* Whether any camera records (the recorder runs then). */
int		 config_recording(const struct config *);
/* Whether RTSP is served (the rtsp child runs then). */
int		 config_rtsp(const struct config *);

struct config	*config_new(void);	/* built-in defaults, no web listener yet */
void		 config_free(struct config *);
/* Checks that need the whole file; reports "file: message". 0 or -1. */
int		 config_finish(struct config *, const char *file);
/* Print in config syntax (v720d -nn); parser tests diff this. */
void		 config_print(const struct config *, FILE *);
int		 config_listen_equal(const struct conf_listen *,
		    const struct conf_listen *);
int		 config_valid_id(const char *);
int		 config_valid_addr(const char *);
/* A `web server name`: lowercased in place, trailing dot removed; NULL,
 * or why it is refused. */
const char	*config_valid_webname(char *);
int		 config_valid_host(const char *);
int		 config_valid_topic(const char *);

/* parse.y */
struct config	*parse_config(const char *file, int missing_ok);
int		 cmdline_symset(const char *);

#endif
