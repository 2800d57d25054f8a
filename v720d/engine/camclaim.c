/*
 * Who may hold a camera's registration.
 *
 * The camera protocol has no authentication: a registration carries a
 * uid and the pwd the bootstrap hands to anyone who names that uid
 * (PROTOCOL.md 1, 4).  What the engine can tell is whether the camera's
 * current connection is alive, from the heartbeats the camera sends every
 * few seconds.  So a registration for a camera that has a connection:
 *  - from the same address (the camera rebooted) takes its place at once;
 *  - from the address the camera had before the current one took it (the
 *    camera is back; whoever holds its uid registered while it was away)
 *    takes its place at once too;
 *  - from any other address takes its place only once the current one
 *    has been silent past its deadline: CAM_ALIVE_BEATS of the longest
 *    recent gap between its heartbeats.  Until then the registration is
 *    held (no 101 yet), refused the moment the current connection says
 *    anything, taken the moment its deadline passes or it closes.  A
 *    camera that moved (DHCP) is back as soon as its old connection is
 *    known dead; an attacker never gets in while the camera is there.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <string.h>

#include <event.h>

#include "log.h"
#include "proc.h"
#include "model.h"
#include "diag.h"
#include "camconn.h"

#define CLAIM_GAP_MIN_MS	1000	/* a faster heartbeat counts as this */
#define CLAIM_PROBE_MS		1000	/* our heartbeats to the holder */

static struct camconn_list	held = TAILQ_HEAD_INITIALIZER(held);
static size_t			nheld;

/* How long c may stay silent and still be the camera, in ms. */
static uint64_t
claim_deadline(const struct camconn *c)
{
	uint64_t	gap = 0, dl;
	size_t		i;

	for (i = 0; i < sizeof(c->cc_hb_gap) / sizeof(c->cc_hb_gap[0]); i++)
		if (c->cc_hb_gap[i] > gap)
			gap = c->cc_hb_gap[i];
	if (gap == 0)
		gap = CAM_HEARTBEAT_MS;
	if (gap < CLAIM_GAP_MIN_MS)
		gap = CLAIM_GAP_MIN_MS;
	dl = gap * CAM_ALIVE_BEATS;
	if (dl > CAM_SILENCE_S * 1000ULL)
		dl = CAM_SILENCE_S * 1000ULL;
	return dl;
}

/* Whether c, a registration for cam, may take its place now (logged). */
static int
claim_may_take(struct camconn *c, struct camera *cam, uint64_t now)
{
	struct camconn	*old = cam->cam_conn;
	uint64_t	 quiet, dl;

	if (old == NULL || same_host(&old->cc_ss, &c->cc_ss))
		return 1;
	if (cam->cam_has_prior &&
	    same_host(&cam->cam_prior_ss, &c->cc_ss)) {
		log_info("camera %s: back at %s, the address it had before "
		    "%s took its place", cam->cam_id, c->cc_addr,
		    old->cc_addr);
		return 1;
	}
	quiet = now - old->cc_last_rx_ms;
	if (quiet > (dl = claim_deadline(old))) {
		log_info("camera %s: its connection from %s silent for %llu "
		    "ms (deadline %llu ms), %s takes its place", cam->cam_id,
		    old->cc_addr, (unsigned long long)quiet,
		    (unsigned long long)dl, c->cc_addr);
		return 1;
	}
	return 0;
}

/*
 * Our heartbeat on the holder's connection: harmless (servers answer
 * the camera's heartbeats with one), and a connection whose camera has
 * gone for good fails sooner (a reset from whoever has the address now).
 */
static void
claim_probe(struct camera *cam, uint64_t now)
{
	struct camconn	*old = cam->cam_conn;

	if (now - old->cc_probe_ms < CLAIM_PROBE_MS)
		return;
	old->cc_probe_ms = now;
	(void)camera_send(cam, WIRE_CMD_HEARTBEAT, NULL, 0);
}

enum claim
claim_check(struct camconn *c, struct camera *cam)
{
	uint64_t	now = proc_now_ms();

	if (claim_may_take(c, cam, now))
		return CLAIM_TAKE;
	log_warnx("camera %s from %s: held, its connection from %s is alive "
	    "(heard %llu ms ago, deadline %llu ms)", cam->cam_id, c->cc_addr,
	    cam->cam_conn->cc_addr,
	    (unsigned long long)(now - cam->cam_conn->cc_last_rx_ms),
	    (unsigned long long)claim_deadline(cam->cam_conn));
	c->cc_held = 1;
	c->cc_held_ms = now;
	TAILQ_INSERT_TAIL(&held, c, cc_held_entry);
	nheld++;
	claim_probe(cam, now);
	return CLAIM_HOLD;
}

void
claim_drop(struct camconn *c)
{
	if (!c->cc_held)
		return;
	TAILQ_REMOVE(&held, c, cc_held_entry);
	nheld--;
	c->cc_held = 0;
}

static void
claim_refuse(struct camconn *c, const char *why)
{
	claim_drop(c);
	log_warnx("camera %s from %s: registration refused, %s",
	    c->cc_sess.cs_uid, c->cc_addr, why);
	diag_note_addr(c->cc_addr, DIAG_REFUSED, DIAG_R_TAKEN,
	    c->cc_sess.cs_uid);
	(void)camsess_decide(&c->cc_sess, 0);
	camconn_close_soon(c);
}

static void
claim_take(struct camconn *c)
{
	char	uid[V720_ID_MAX];

	claim_drop(c);
	strlcpy(uid, c->cc_sess.cs_uid, sizeof(uid));
	if (camconn_register(c, uid) == -1) {
		(void)camsess_decide(&c->cc_sess, 0);
		camconn_close_soon(c);
		return;
	}
	if (camsess_decide(&c->cc_sess, 1) == -1)
		camconn_close_soon(c);
}

/*
 * Bytes from c: its heartbeats' rhythm, and proof that it is alive for
 * the registrations held against it.
 */
void
claim_heard(struct camconn *c, uint64_t now, int heartbeat)
{
	struct camconn	*h, *th;
	uint64_t	 gap;

	if (heartbeat) {
		if (c->cc_hb_ms != 0) {
			gap = now - c->cc_hb_ms;
			c->cc_hb_gap[c->cc_hb_pos++ % (sizeof(c->cc_hb_gap) /
			    sizeof(c->cc_hb_gap[0]))] = gap > UINT32_MAX ?
			    UINT32_MAX : (uint32_t)gap;
		}
		c->cc_hb_ms = now;
	}
	if (nheld == 0 || c->cc_cam == NULL || c->cc_cam->cam_conn != c)
		return;
	TAILQ_FOREACH_SAFE(h, &held, cc_held_entry, th)
		if (strcmp(h->cc_sess.cs_uid, c->cc_cam->cam_id) == 0)
			claim_refuse(h, "the camera is alive at another "
			    "address");
}

/* Once a second: the held registrations whose holder is now dead. */
void
claim_second(uint64_t now)
{
	struct camconn	*h, *th;
	struct camera	*cam;

	TAILQ_FOREACH_SAFE(h, &held, cc_held_entry, th) {
		if ((cam = camera_find(h->cc_sess.cs_uid)) == NULL ||
		    claim_may_take(h, cam, now))
			claim_take(h);
		else if (now - h->cc_held_ms > CAM_SILENCE_S * 1000ULL)
			/* Cannot happen (the deadline is shorter): a bound. */
			claim_refuse(h, "held too long");
		else
			claim_probe(cam, now);
	}
}

/*
 * cam registered from c's address: remember it, and the address before
 * it (unless c came back to that one: then the one in between was not
 * the camera and gets no such right).
 */
void
claim_registered(struct camera *cam, struct camconn *c)
{
	if (cam->cam_has_last &&
	    !same_host(&cam->cam_last_ss, &c->cc_ss)) {
		if (cam->cam_has_prior &&
		    same_host(&cam->cam_prior_ss, &c->cc_ss))
			cam->cam_has_prior = 0;
		else {
			cam->cam_prior_ss = cam->cam_last_ss;
			cam->cam_has_prior = 1;
		}
	}
	cam->cam_last_ss = c->cc_ss;
	cam->cam_has_last = 1;
}
