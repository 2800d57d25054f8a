/*
 * What the engine's consumers of the camera model share: a fixed-size
 * message from a sibling, checked, and a frame or audio chunk to a
 * consumer child that must never slow the engine down.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <stdint.h>
#include <string.h>

#include "chan.h"
#include "msg.h"
#include "sibling.h"
#include "peer.h"

/*
 * A fixed-size message from a sibling that starts with a camera id (char
 * [V720_ID_MAX], as every such struct in msg.h), copied into buf: 0, or
 * -1 if it is malformed (the sender is reported and the channel closed:
 * return at once).
 */
int
peer_msg(struct chanev *ce, struct chan_msg *m, void *buf,
    size_t need)
{
	if (m->len != need) {
		sibling_bad(ce, m, "%zu bytes, not %zu", m->len, need);
		return -1;
	}
	memcpy(buf, m->data, need);
	if (chan_strfield(buf, V720_ID_MAX)) {
		sibling_bad(ce, m, "unterminated camera id");
		return -1;
	}
	return 0;
}

/*
 * A frame or audio chunk to a consumer child (recorder, rtsp): queued,
 * or -1 when more than max bytes wait for it already (the caller counts
 * the drop: a consumer never slows the engine).
 */
int
peer_media_out(struct chanev *ce, size_t max, uint32_t type,
    const struct cam_media *cm, const uint8_t *data, size_t len)
{
	struct iovec	iov[2];

	if (chan_queued(&ce->c) > max)
		return -1;
	iov[0].iov_base = (void *)(uintptr_t)cm;
	iov[0].iov_len = sizeof(*cm);
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	return chanev_composev(ce, type, 0, -1, iov, 2);
}
