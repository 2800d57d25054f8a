/* Frame building and fragmentation; see frag.h. */
#include <string.h>

#include "wire.h"
#include "frag.h"

size_t
frag_bufsize(size_t jlen)
{
	return jlen + 4 + FRAG_COM_MAX + FRAG_TRAILER;
}

size_t
frag_build(uint8_t *out, size_t outsz, const uint8_t *jpeg, size_t jlen,
    const char *comment, int tail)
{
	size_t	clen = strlen(comment), seglen, flen, have;

	if (jlen < 4 || jpeg[0] != 0xff || jpeg[1] != 0xd8)
		return 0;
	if (clen > 255)
		clen = 255;
	seglen = 2 + clen;		/* length field counts itself */
	flen = jlen + 2 + seglen;
	if (tail > 0 && tail <= FRAG_PAYLOAD) {
		/* Grow the comment until (flen + trailer) ends on tail. */
		have = (flen + FRAG_TRAILER) % FRAG_PAYLOAD;
		if (have == 0)
			have = FRAG_PAYLOAD;
		seglen += ((size_t)tail + FRAG_PAYLOAD - have) % FRAG_PAYLOAD;
		flen = jlen + 2 + seglen;
	}
	if (flen + FRAG_TRAILER > outsz || seglen > 0xffff)
		return 0;
	out[0] = 0xff;
	out[1] = 0xd8;
	out[2] = 0xff;
	out[3] = 0xfe;
	out[4] = (uint8_t)(seglen >> 8);
	out[5] = (uint8_t)seglen;
	memcpy(out + 6, comment, clen);
	memset(out + 6 + clen, ' ', seglen - 2 - clen);
	memcpy(out + 4 + seglen, jpeg + 2, jlen - 2);
	wire_put32(out + flen, (uint32_t)flen);
	return flen;
}

int
frag_count(size_t framelen)
{
	return (int)((framelen + FRAG_TRAILER + FRAG_PAYLOAD - 1) /
	    FRAG_PAYLOAD);
}

size_t
frag_len(size_t framelen, int i)
{
	size_t	total = framelen + FRAG_TRAILER, off = (size_t)i * FRAG_PAYLOAD;

	if (off >= total)
		return 0;
	return total - off < FRAG_PAYLOAD ? total - off : FRAG_PAYLOAD;
}

uint8_t
frag_flag(int i, int n)
{
	if (n == 1)
		return WIRE_FLAG_SINGLE;
	if (i == 0)
		return WIRE_FLAG_FIRST;
	return i == n - 1 ? WIRE_FLAG_LAST : WIRE_FLAG_MIDDLE;
}

void
frag_header(uint8_t hdr[20], size_t framelen, int i, int n, uint32_t pkg_id)
{
	struct wire_hdr	h;

	memset(&h, 0, sizeof(h));
	h.wh_len = (uint32_t)frag_len(framelen, i);
	h.wh_cmd = WIRE_CMD_JPEG;
	h.wh_msg_flag = frag_flag(i, n);
	h.wh_pkg_id = pkg_id;
	wire_hdr_encode(&h, hdr);
}
