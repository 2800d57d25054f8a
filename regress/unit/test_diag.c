/*
 * The engine's per-source table (v720d/engine/diag.c) alone: bounded at
 * DIAG_SOURCES_MAX, newest first, keyed by address whatever the port or
 * notation, stage and hint per source, web's listeners checked.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../v720d/engine/model.h"
#include "../../v720d/engine/listener.h"
#include "../../v720d/engine/diag.h"

struct model	*model;
static struct listener_list	listeners = TAILQ_HEAD_INITIALIZER(listeners);

static struct diag_source	out[DIAG_SOURCES_MAX + 8];

static void
setup(void)
{
	diag_init(&listeners);
	model = calloc(1, sizeof(*model));
	cr_assert_not_null(model);
	model->m_cfg.cg_camera_port = 6123;
	diag_free_all();
}

static void
teardown(void)
{
	diag_free_all();
	free(model);
	model = NULL;
}

static const struct diag_source *
find(size_t n, const char *addr)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(out[i].ds_addr, addr) == 0)
			return &out[i];
	return NULL;
}

Test(diag, bounded_newest_first, .init = setup, .fini = teardown)
{
	char	a[32];
	size_t	n, i;

	for (i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "10.1.%zu.%zu:5000", i / 250, i % 250);
		diag_note_addr(a, DIAG_REFUSED, DIAG_R_PPPP, NULL);
	}
	n = diag_sources(out, sizeof(out) / sizeof(out[0]));
	cr_assert_eq(n, DIAG_SOURCES_MAX);
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "10.1.%zu.%zu", (999 - i) / 250,
		    (999 - i) % 250);
		cr_assert_str_eq(out[i].ds_addr, a);
		cr_assert_eq(out[i].ds_stage, DIAG_REFUSED);
		cr_assert(strstr(out[i].ds_hint, "PPPP on UDP 32100") != NULL);
	}
	/* Seen again: to the front, nothing forgotten. */
	diag_note_addr("10.1.3.200:1", DIAG_TCP, DIAG_R_NONE, NULL);
	n = diag_sources(out, sizeof(out) / sizeof(out[0]));
	cr_assert_eq(n, DIAG_SOURCES_MAX);
	cr_assert_str_eq(out[0].ds_addr, "10.1.3.200");
	cr_assert_eq(out[0].ds_stage, DIAG_TCP);
	cr_assert_str_eq(out[n - 1].ds_addr, "10.1.3.186");
}

Test(diag, one_source_per_address, .init = setup, .fini = teardown)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	size_t			n;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(49152);
	inet_pton(AF_INET, "192.168.1.23", &sin.sin_addr);
	diag_note((struct sockaddr *)&sin, sizeof(sin), DIAG_BOOTSTRAP,
	    DIAG_R_NONE, "0800c00128F8");
	diag_note_addr("192.168.1.23:50211", DIAG_REGISTERED, DIAG_R_NONE,
	    NULL);
	/* The same camera over IPv4-mapped IPv6. */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:192.168.1.23", &sin6.sin6_addr);
	diag_note((struct sockaddr *)&sin6, sizeof(sin6), DIAG_UDP,
	    DIAG_R_NONE, NULL);
	/* IPv6 as camera.c writes it, and with brackets. */
	diag_note_addr("fe80::1:6123", DIAG_TCP, DIAG_R_NONE, NULL);
	diag_note_addr("[fe80::1]:80", DIAG_TCP, DIAG_R_NOREG, NULL);
	diag_note_addr("::1:6123", DIAG_TCP, DIAG_R_NONE, NULL);
	diag_note_addr("nonsense", DIAG_TCP, DIAG_R_NONE, NULL);
	diag_note_addr("", DIAG_TCP, DIAG_R_NONE, NULL);
	n = diag_sources(out, sizeof(out) / sizeof(out[0]));
	cr_assert_eq(n, 3, "%zu sources", n);
	cr_assert_eq(find(n, "192.168.1.23")->ds_stage, DIAG_UDP);
	/* The uid stays once named. */
	cr_assert_str_eq(find(n, "192.168.1.23")->ds_uid, "0800c00128F8");
	cr_assert_eq(find(n, "fe80::1")->ds_reason, DIAG_R_NOREG);
	cr_assert_not_null(find(n, "::1"));
}

Test(diag, hints, .init = setup, .fini = teardown)
{
	size_t	n;

	model->m_cfg.cg_camera_port = 7000;
	diag_note_addr("10.0.0.7:1", DIAG_BOOTSTRAP, DIAG_R_NONE, "A1");
	diag_note_addr("10.0.0.9:1", DIAG_REGISTERED, DIAG_R_NOUDP, "A2");
	diag_note_addr("10.0.0.11:1", DIAG_REFUSED, DIAG_R_UNKNOWN, "A3");
	diag_note_addr("10.0.0.12:1", DIAG_REFUSED, DIAG_R_LIMIT, NULL);
	n = diag_sources(out, sizeof(out) / sizeof(out[0]));
	cr_assert_eq(n, 4);
	cr_assert(strstr(find(n, "10.0.0.7")->ds_hint,
	    "never connected to TCP 7000") != NULL);
	cr_assert(strstr(find(n, "10.0.0.9")->ds_hint,
	    "no UDP arrived within 3 s of the request: open UDP 7000") != NULL);
	cr_assert(strstr(find(n, "10.0.0.11")->ds_hint,
	    "add a camera \"A3\" block") != NULL);
	cr_assert(strstr(find(n, "10.0.0.12")->ds_hint,
	    "per-address limit") != NULL);
	for (size_t i = 0; i < n; i++)
		cr_assert(out[i].ds_seen > 0);
}

Test(diag, web_listeners, .init = setup, .fini = teardown)
{
	struct diag_listener	ls[2], got[8];
	size_t			n;

	memset(ls, 0, sizeof(ls));
	ls[0].dl_kind = LISTEN_WEB;
	ls[0].dl_port = 8080;
	ls[0].dl_state = DIAG_L_LISTENING;
	strlcpy(ls[0].dl_addr, "127.0.0.1", sizeof(ls[0].dl_addr));
	ls[1] = ls[0];
	ls[1].dl_port = 443;
	ls[1].dl_tls = 1;
	cr_assert_eq(diag_web_listeners(ls, sizeof(ls)), 0);
	n = diag_listeners(got, 8);
	cr_assert_eq(n, 2);
	cr_assert_eq(got[1].dl_port, 443);
	diag_web_down();
	n = diag_listeners(got, 8);
	cr_assert_eq(got[0].dl_state, DIAG_L_DOWN);
	/* Not a web listener, unterminated, a partial struct: refused. */
	ls[1].dl_kind = LISTEN_BOOTSTRAP;
	cr_assert_eq(diag_web_listeners(ls, sizeof(ls)), -1);
	ls[1].dl_kind = LISTEN_WEB;
	memset(ls[1].dl_addr, 'x', sizeof(ls[1].dl_addr));
	cr_assert_eq(diag_web_listeners(ls, sizeof(ls)), -1);
	cr_assert_eq(diag_web_listeners(ls, sizeof(ls[0]) + 3), -1);
}
