/*
 * libFuzzer target: UDP packet handling and reassembly (v720d/media.c).
 *
 * Input: a sequence of records, each a 2-byte little-endian length L and
 * L bytes.  A record of at least WIRE_HDR_LEN bytes is a datagram: decoded
 * with wire_hdr_decode() as the engine does, then fed to media_packet().
 * A shorter record is a clock step: L x 50 ms pass, then media_tick() and
 * media_confirm_take() as the engine's 100 ms timer would; L == 1 also
 * resets the stream.  Each datagram advances the clock by 1 ms.
 *
 * Frames are assembled as the engine's are, in a buffer frame_dst gives.
 * Checked besides ASan/UBSan: every frame passed on is a bounded JPEG,
 * every 605 fits its buffer, media_memory() stays under MEDIA_MEMORY_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "wire.h"
#include "../../v720d/engine/media.h"

static void
on_frame(void *arg, const uint8_t *jpeg, size_t len, uint64_t ts)
{
	if (len < 4 || len > V720_FRAME_MAX || jpeg[0] != 0xff ||
	    jpeg[1] != 0xd8 || jpeg[len - 2] != 0xff || jpeg[len - 1] != 0xd9)
		abort();
}

static void
on_audio(void *arg, uint8_t codec, const uint8_t *data, size_t len,
    uint64_t ts)
{
	volatile uint8_t sink;

	if ((codec != WIRE_CMD_ALAW && codec != WIRE_CMD_PCM) || len == 0 ||
	    len > WIRE_UDP_MAX_PAYLOAD)
		abort();
	sink = data[0];
	sink = data[len - 1];
	(void)sink;
}

/*
 * The engine's path: frames of several fragments assembled in a buffer of
 * exactly V720_FRAME_MAX bytes (a ring slot), so ASan sees any overrun.
 */
static uint8_t *
on_frame_dst(void *arg, size_t len)
{
	static uint8_t	*slot;

	if (len < 4 || len > V720_FRAME_MAX)
		abort();
	if (slot == NULL && (slot = malloc(V720_FRAME_MAX)) == NULL)
		abort();
	return slot;
}

static const struct media_cb cbs = { on_frame, on_audio, on_frame_dst };

static void
confirm(struct media *m)
{
	uint8_t out[4 * MEDIA_CONFIRM_MAX];
	size_t len;

	while (media_confirm_take(m, out, sizeof(out), &len))
		if (len > sizeof(out) || len % 4 != 0)
			abort();
		else if (len == 0)
			break;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media *m;
	struct wire_hdr h;
	uint64_t now = 1000000000ULL;
	size_t len;

	if ((m = media_new(&cbs, NULL)) == NULL)
		return 0;
	/* Short timeouts so that expiry and holding are reached often. */
	if (size > 0 && data[0] & 1)
		media_set_timeouts(m, 20000000ULL, 5000000ULL);
	while (size >= 2) {
		len = wire_get16(data);
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (wire_hdr_decode(data, len, WIRE_UDP_MAX_PAYLOAD, &h) == 0) {
			now += 1000000ULL;
			if (media_packet(m, &h, data + WIRE_HDR_LEN,
			    len - WIRE_HDR_LEN, now))
				confirm(m);
		} else {
			if (len == 1)
				media_reset(m);
			now += 50000000ULL * len;
			media_tick(m, now);
			confirm(m);
		}
		if (media_memory(m) > MEDIA_MEMORY_MAX)
			abort();
		data += len;
		size -= len;
	}
	media_free(m);
	return 0;
}
