/* v720ctl: the parts shared between the control-socket client and AP mode. */
#ifndef V720CTL_H
#define V720CTL_H

#include <stddef.h>
#include <stdint.h>

#include "parser.h"

#define CTL_DEFAULT_SOCKET	"/run/v720d.sock"
#define CTL_TIMEOUT_MS		15000	/* longest wait for a reply */
#define AP_DEFAULT_HOST		"192.168.169.1"
#define AP_DEFAULT_PORT		"6123"
#define AP_TIMEOUT_MS		5000	/* per step of an AP session, in all */

struct chan;

/* v720ctl talk on a connected control socket: exit status. */
int	 talk_play(struct chan *, const struct parse_result *);

/* v720ctl doctor: exit status (1 if a check failed). */
int	 doctor_run(const char *socketpath);

/* Talk to a camera in AP mode: exit status. */
int	 ap_run(const struct parse_result *, int json);

/*
 * Split "host", "host:port", "[v6]" or "[v6]:port" into host and port
 * (AP_DEFAULT_PORT if none): 0, or -1 if malformed.
 */
int	 ap_split_hostport(const char *arg, char *host, size_t hostsz,
	    char *port, size_t portsz);

/* Copy text for one line on a terminal: control characters become '?'. */
void	 ctl_printable(char *out, size_t outsz, const char *in, size_t inlen);

/* Names of a cam_info's state and settings, as in the web API. */
const char	*state_name(uint8_t);
const char	*irled_name(uint8_t);
const char	*flip_name(uint8_t);
const char	*onoff_name(uint8_t);

#endif
