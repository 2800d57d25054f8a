/*
 * Per-source progress (issue 14): for the last DIAG_SOURCES_MAX camera
 * sources, by address, how far they got and a hint on what to check
 * next.  Call diag_note() wherever a camera source takes a step or is
 * refused; it is cheap, bounded (a fixed table, the least recently seen
 * source is forgotten) and logs one line per change of stage or reason
 * of a source, never one per packet.
 */
#ifndef V720_DIAG_H
#define V720_DIAG_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "msg.h"

struct chanev;
struct listener_list;

/* The engine's listeners, for diag_listeners(). */
void	diag_init(const struct listener_list *);

/* sa: the source (its port is ignored); uid: NULL or "" if not known. */
void	diag_note(const struct sockaddr *sa, socklen_t salen,
	    enum diag_stage, enum diag_reason, const char *uid);
/* The same with an address string, without a port. */
void	diag_note_host(const char *host, enum diag_stage, enum diag_reason,
	    const char *uid);
/* The same with an "ip:port" string (cam_info's address). */
void	diag_note_addr(const char *addr, enum diag_stage, enum diag_reason,
	    const char *uid);
/* Sources, newest first, into out (at most max): how many. */
size_t	diag_sources(struct diag_source *out, size_t max);
/* The engine's listeners and web's (IMSG_WEB_LISTENERS): how many. */
size_t	diag_listeners(struct diag_listener *out, size_t max);
/* IMSG_WEB_LISTENERS from v720-web; -1 if malformed. */
int	diag_web_listeners(const void *, size_t);
void	diag_web_down(void);
/* From the engine's timer: the table to web when it changed. */
void	diag_tick(uint64_t now_ms);
void	diag_web_up(struct chanev *);	/* a new web process: to it now */
void	diag_push(void);
void	diag_free_all(void);

#endif
