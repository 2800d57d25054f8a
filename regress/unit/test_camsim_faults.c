/*
 * camsim's faults seen from a scripted peer: loss, duplication and
 * reordering rates on the wire, --die-after, garbage on TCP.
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "wire.h"
#include "frag.h"
#include "camsim_peer.h"

/*
 * Fault rates seen on the wire: the peer confirms everything it gets and
 * counts packets against the frames camsim logged.
 */
static void
fault_run(const char *opt, const char *val, double *recv_ratio,
    double *reordered)
{
	struct peer	 p;
	uint8_t		 buf[2048];
	struct wire_hdr	 h;
	char		 line[4096];
	FILE		*f;
	long		 sent = 0, got = 0, back = 0, pk;
	uint32_t	 last = 0;
	const char	*args[] = { opt, val, "--resend-max", "0", "--frames", "25",
			    "--fps", "25", NULL };

	peer_listen(&p);
	peer_online(&p, args);
	open_stream(&p, 2);
	while (media(&p, buf, 1500, &h) >= 0) {
		got++;
		if (h.wh_pkg_id < last)
			back++;
		last = h.wh_pkg_id;
		confirm(&p, &h.wh_pkg_id, 1);
	}
	cr_assert_not_null(f = fopen(p.logpath, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "\"ev\":\"frame\"") &&
		    sscanf(strstr(line, "\"pkts\":"), "\"pkts\":%ld", &pk) == 1)
			sent += pk;
	fclose(f);
	cr_assert_gt(sent, 500);
	*recv_ratio = (double)got / (double)sent;
	*reordered = (double)back / (double)got;
	peer_stop(&p);
}

Test(camsim_peer, loss_dup_reorder_rates_on_the_wire, .timeout = 60)
{
	double	r, o;

	fault_run("--loss", "0.2", &r, &o);
	cr_assert_float_eq(r, 0.8, 0.06, "received %.3f with --loss 0.2", r);
	fault_run("--dup", "0.3", &r, &o);
	cr_assert_float_eq(r, 1.3, 0.06, "received %.3f with --dup 0.3", r);
	fault_run("--reorder", "0.25", &r, &o);
	cr_assert_float_eq(r, 1.0, 0.01, "received %.3f with --reorder", r);
	cr_assert_float_eq(o, 0.25, 0.07, "reordered %.3f", o);
}

Test(camsim_peer, die_after_vanishes_mid_frame, .timeout = 30)
{
	struct peer	 p;
	uint8_t		 frame[65536], buf[2048];
	uint32_t	 ids[128];
	size_t		 flen;
	struct wire_hdr	 h;
	int		 k, i, n = 0, status;
	const char	*args[] = { "--die-after", "2", NULL };

	peer_listen(&p);
	peer_online(&p, args);
	open_stream(&p, 3);
	for (i = 0; i < 2; i++) {
		cr_assert_gt(k = read_frame(&p, frame, &flen, ids, 3000), 0);
		confirm(&p, ids, k);
	}
	while (media(&p, buf, 1000, &h) >= 0) {
		cr_assert_neq(h.wh_msg_flag, 252, "frame 3 must not finish");
		n++;
	}
	cr_assert_gt(n, 0, "half a frame");
	cr_assert(wait_fd(p.cfd, 2000));
	cr_assert_leq(read(p.cfd, buf, sizeof(buf)), 0, "TCP gone");
	waitpid(p.pid, &status, 0);
	p.pid = 0;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	peer_stop(&p);
}

Test(camsim_peer, garbage_between_good_messages, .timeout = 20)
{
	struct peer	 p;
	struct wire_hdr	 h;
	char		 buf[70000];
	int		 bad = 0;
	const char	*args[] = { "--garbage", "1", NULL };

	peer_listen(&p);
	peer_spawn(&p, "--tcp", p.port, args);
	peer_accept(&p, 5000);
	for (;;) {
		tcp_msg(p.cfd, &h, buf, sizeof(buf), 3000);
		if (h.wh_cmd == 0 && strstr(buf, "\"code\": 100, \"uid\""))
			break;
		bad++;
	}
	cr_assert_gt(bad, 0, "garbage before the registration");
	peer_stop(&p);
}

