/*
 * Names of the diagnostics' stages and listener kinds as GET
 * /api/diagnostics and v720ctl doctor show them, and their JSON objects
 * (INTERFACE.md), so the two programs cannot drift apart.
 */
#ifndef V720_DIAGINFO_H
#define V720_DIAGINFO_H

#include <stdint.h>

#include "jsonw.h"
#include "msg.h"

/* "bootstrap", "tcp", "registered", "udp", "streaming", "refused". */
const char	*diaginfo_stage(uint8_t);
/* "camera-tcp", "camera-udp", "bootstrap", "control", "web". */
const char	*diaginfo_kind(uint8_t);
/* "listening", "paused", "down". */
const char	*diaginfo_lstate(uint8_t);

/* 0 if the strings of a wire struct are terminated and values known. */
int		 diaginfo_check_source(const struct diag_source *);
int		 diaginfo_check_listener(const struct diag_listener *);

/* {"address","uid","stage","seen","hint"} */
void		 diaginfo_source_json(struct jsonw *, const struct diag_source *);
/* {"kind","address","port","tls","state"} */
void		 diaginfo_listener_json(struct jsonw *,
		    const struct diag_listener *);

#endif
