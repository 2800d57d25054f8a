/*
 * v720-web's seccomp allow-list, installed once it has dropped
 * privileges and set up its event loop (main).  What it does from then
 * on: accept HTTP and TLS connections on the sockets the parent passed,
 * read and write them (libevent buffers: readv, writev, FIONREAD), its
 * channels to the parent and the engine (descriptors arrive with
 * recvmsg), TLS in memory (libtls; OpenSSL's locks use futex).  It never
 * opens a file, makes a socket or starts a program.  The list comes from
 * strace -f over the whole integration suite; a call missing here kills
 * v720-web with SIGSYS and fails a test.
 */
#include <stddef.h>

#include "log.h"
#include "sandbox.h"
#include "web.h"

static const int web_calls[] = {
	/* The event loop (libevent on epoll). */
	SANDBOX_CALL(epoll_wait), SANDBOX_CALL(epoll_pwait),
	SANDBOX_CALL(epoll_ctl),
	/* Connections on the listeners the parent passed. */
	SANDBOX_CALL(accept4), SANDBOX_CALL(read), SANDBOX_CALL(write),
	SANDBOX_CALL(readv), SANDBOX_CALL(writev), SANDBOX_CALL(ioctl),
	SANDBOX_CALL(recvfrom), SANDBOX_CALL(setsockopt),
	SANDBOX_CALL(shutdown), SANDBOX_CALL(fcntl),
	/* Channels: messages with descriptors; syslog(3) uses send. */
	SANDBOX_CALL(recvmsg), SANDBOX_CALL(sendmsg), SANDBOX_CALL(sendto),
	/* OpenSSL's locks. */
	SANDBOX_CALL(futex),
	/*
	 * Recordings (recweb.c): the recorder passes a read-only descriptor
	 * of the file; its size, then sendfile (plain HTTP) or a mapping
	 * (TLS, mmap is in every child's base list).
	 */
	SANDBOX_CALL(fstat), SANDBOX_CALL(newfstatat), SANDBOX_CALL(sendfile),
};

void
web_sandbox(void)
{
	sandbox_enter("web", web_calls, sizeof(web_calls) /
	    sizeof(web_calls[0]));
}
