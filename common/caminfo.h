/*
 * Names of camera states and settings as the web API and v720ctl show
 * them, and the camera object of the web API (INTERFACE.md), so the two
 * programs cannot drift apart.
 */
#ifndef V720_CAMINFO_H
#define V720_CAMINFO_H

#include <stdint.h>

#include "jsonw.h"
#include "msg.h"

/* "offline", "online", "connecting", "streaming", "standby"; unknown
 * values: "offline". */
const char	*caminfo_state(uint8_t);
/* Setting names; NULL while the camera has not told us (or nonsense). */
const char	*caminfo_irled(uint8_t);	/* "off", "on", "auto" */
const char	*caminfo_flip(uint8_t);		/* "normal", ..., "upside-down" */
const char	*caminfo_onoff(uint8_t);	/* "off", "on" */

/*
 * The one table of settings: the API's (and v720ctl's, with '-' for '_')
 * name, the forward content code, the camera's field and values.  A
 * setting with a feature bit exists for a camera only once the camera
 * reported that field (its base info): ci_features.  An action
 * (field NULL) takes the one value "confirm" and sends no field.  An
 * mqtt_only setting goes to the camera's sub/<uid> topic even while it
 * has TCP, never as a TCP forward, and is read back from MQTT Info only.
 */
#define CAMF_SPEEDGRADE		0x01	/* speedGrade */
#define CAMF_MOVEGRADE		0x02	/* moveGrade */
#define CAMF_LEDEI		0x04	/* ledEI */
#define CAMF_SDCARDRECO		0x08	/* sdCardReco: an SD card slot */
#define CAMF_WIFINAME		0x10	/* wifiName: a Wi-Fi client */
#define CAMF_PIR		0x20	/* pirDevice (MQTT Info): a PIR sensor */

#define CAMINFO_NXSET		6	/* settings kept in ci_xset[] */
#define CAMINFO_NVAL		7

struct caminfo_setting {
	const char	*key;
	int		 code;
	const char	*field;		/* NULL: an action */
	uint32_t	 feature;	/* 0: every camera */
	int		 slot;		/* ci_xset index, -1: none */
	const char	*names[CAMINFO_NVAL];
	int		 values[CAMINFO_NVAL];
	int		 mqtt_only;	/* sub/<uid> only: over TCP the
					 * code means something else */
	const char	*label;		/* the viewer's name for it */
	const char	*ask;		/* an action's question before it
					 * is sent (a harmful one); NULL */
};

extern const struct caminfo_setting	caminfo_settings[];
extern const size_t			caminfo_nsettings;

const struct caminfo_setting *caminfo_setting(const char *key);
/* Whether this camera has the setting (a member of its object, or an
 * action in "actions"). */
int		 caminfo_has(const struct cam_info *,
		    const struct caminfo_setting *);
/*
 * How a client draws it: "action" (the one value "confirm"), "switch"
 * ("off", "on"), "level" (numbers), "choice" (named values).
 */
const char	*caminfo_setting_kind(const struct caminfo_setting *);
/* The value's index in s->names, or -1. */
int		 caminfo_setting_value(const struct caminfo_setting *,
		    const char *);
/* The camera's value's name, NULL if unknown or nonsense. */
const char	*caminfo_setting_name(const struct caminfo_setting *, int);

/* The fields of the API's camera object, without the braces. */
void		 caminfo_json(struct jsonw *, const struct cam_info *,
		    const char *name, uint8_t state, uint32_t viewers);

#endif
