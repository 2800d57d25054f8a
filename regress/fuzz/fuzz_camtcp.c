/*
 * libFuzzer target: the camera's TCP side (v720d/camtcp.c: framing,
 * JSON reader, registration session) and the HTTP bootstrap parser
 * (v720d/bootproto.c).
 *
 * Input: byte 0 selects.  Even: camera TCP bytes follow byte 1, fed to a
 * session in chunks of byte 1 bytes (0 = all at once) until the session
 * refuses the stream.  Odd: an HTTP request follows byte 1, parsed with
 * bootproto_parse() over every prefix length step of byte 1 (0 = whole),
 * and when complete its fields go through the answer builders.  The JSON
 * reader and the web forward re-check also see the raw input.
 *
 * Checked besides ASan/UBSan: the session never holds more than one
 * bounded message, answers are bounded, a complete request's length is
 * within the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "msg.h"
#include "wire.h"
#include "../../v720d/engine/bootproto.h"
#include "../../v720d/engine/camtcp.h"

static size_t	sent;
static int	registered_twice;

static int
f_auth(void *arg, const char *uid, const char *token)
{
	if (!camtcp_valid_uid(uid))
		abort();
	/* Refuse some, hold some (decided on the next heartbeat), to
	 * cover those paths. */
	if (token[0] == 'h')
		return 1;
	return token[0] == 'x' ? -1 : 0;
}

static int
f_json(void *arg, const struct camjson *j)
{
	if (j->cj_code == CAMJ_UNSET || strlen(j->cj_uid) >= V720_ID_MAX ||
	    strlen(j->cj_wifi) >= sizeof(j->cj_wifi))
		abort();
	if (j->cj_code == 100)
		registered_twice++;
	return 0;
}

static int
f_send(void *arg, const uint8_t *p, size_t len)
{
	if (len < WIRE_HDR_LEN || len > CAMTCP_MAX_MSG ||
	    wire_get32(p) != len - WIRE_HDR_LEN)
		abort();
	sent += len;
	return 0;
}

static const struct camsess_ops	ops = { f_auth, f_json, f_send };

static void
fuzz_tcp(const uint8_t *p, size_t len, size_t chunk)
{
	struct camsess	s;
	size_t		off = 0, n;

	camsess_init(&s, &ops, NULL);
	while (off < len) {
		n = chunk == 0 || chunk > len - off ? len - off : chunk;
		if (camsess_feed(&s, p + off, n) == -1)
			break;
		/* A held registration: let in or refused, by its uid. */
		if (s.cs_held && camsess_decide(&s, s.cs_uid[0] & 1) == -1)
			break;
		if (s.cs_tcp.ct_len >= CAMTCP_MAX_MSG)
			abort();
		off += n;
	}
	camsess_clear(&s);
}

static void
fuzz_http(const uint8_t *p, size_t len, size_t step)
{
	struct bootreq	r;
	char		body[1024], out[2048];
	size_t		n;
	int		rv = 0;

	if (step == 0)
		step = len ? len : 1;
	for (n = step < len ? step : len; ; n += step) {
		if (n > len)
			n = len;
		rv = bootproto_parse((const char *)p, n, &r);
		if (rv != 0 || n == len)
			break;
	}
	if (rv == -1 && (r.br_status < 400 || r.br_status > 599))
		abort();
	if (rv != 1)
		return;
	if (r.br_len > len || r.br_len > BOOT_MAX_REQUEST)
		abort();
	/* A proxy's headers are terminated inside their fields. */
	if (memchr(r.br_realip, '\0', sizeof(r.br_realip)) == NULL ||
	    memchr(r.br_srvaddr, '\0', sizeof(r.br_srvaddr)) == NULL)
		abort();
	if (bootproto_confcheck(body, sizeof(body), r.br_uid, r.br_version,
	    6123, r.br_token, time(NULL)) > 0)
		bootproto_answer(out, sizeof(out), 200, body);
	if (bootproto_error(body, sizeof(body), 404, r.br_path) > 0)
		bootproto_answer(out, sizeof(out), 404, body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct camjson	 j;
	const char	*err;
	char		 extra[600];
	int		 code;

	if (size < 2)
		return 0;
	camjson_parse(data + 2, size - 2, &j);
	if (camtcp_forward_content((const char *)data + 2, size - 2, &code,
	    extra, sizeof(extra), &err) == 0 && strlen(extra) >= sizeof(extra))
		abort();
	if (data[0] % 2 == 0)
		fuzz_tcp(data + 2, size - 2, data[1]);
	else
		fuzz_http(data + 2, size - 2, data[1]);
	return 0;
}
