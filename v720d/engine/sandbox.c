/*
 * The camera engine's seccomp allow-list, installed once it has dropped
 * privileges and set up its event loop (engine_main).  What it does from
 * then on: accept and talk TCP to cameras, bootstrap clients and v720ctl
 * on the sockets the parent passed, UDP media in batches, its channels
 * to the parent and v720-web (descriptors arrive with recvmsg), timers,
 * and a memfd per streaming camera for its frame ring.
 * It never opens a file, makes a socket or starts a program.  The list
 * comes from strace -f over the whole integration suite; a call missing
 * here kills the engine with SIGSYS and fails a test.
 */
#include <stddef.h>

#include "log.h"
#include "sandbox.h"
#include "engine.h"

static const int engine_calls[] = {
	/* The event loop (libevent on epoll, timerfd for precise timers). */
	SANDBOX_CALL(epoll_wait), SANDBOX_CALL(epoll_pwait),
	SANDBOX_CALL(epoll_ctl), SANDBOX_CALL(timerfd_settime),
	/* Sockets the parent passed and the connections they accept. */
	SANDBOX_CALL(accept4), SANDBOX_CALL(read), SANDBOX_CALL(write),
	SANDBOX_CALL(recvmmsg), SANDBOX_CALL(sendto), SANDBOX_CALL(sendmmsg),
	SANDBOX_CALL(setsockopt), SANDBOX_CALL(getsockname),
	/* The UDP receive buffer, logged when a listener starts. */
	SANDBOX_CALL(getsockopt),
	SANDBOX_CALL(shutdown), SANDBOX_CALL(fcntl),
	/* Channels: messages with descriptors. */
	SANDBOX_CALL(recvmsg), SANDBOX_CALL(sendmsg),
	/* A camera's frame ring (common/framering.c), on its first frame. */
	SANDBOX_CALL(memfd_create), SANDBOX_CALL(ftruncate),
};

void
engine_sandbox(void)
{
	sandbox_enter("engine", engine_calls,
	    sizeof(engine_calls) / sizeof(engine_calls[0]));
}
