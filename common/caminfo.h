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

/* The fields of the API's camera object, without the braces. */
void		 caminfo_json(struct jsonw *, const struct cam_info *,
		    const char *name, uint8_t state, uint32_t viewers);

#endif
