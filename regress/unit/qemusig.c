/*
 * The qemu-user probe (regress/run-units.sh): two threads, SIGALRM to
 * the process every 50 ms for a second, then each thread checks its
 * own thread-local variable and the main thread joins the other.
 * Natively both hold; under qemu-i386 7.2 the main thread comes back
 * from the signals reading the other thread's variable and
 * pthread_join fails with EDEADLK.  Exit 0 when all holds; otherwise
 * one line on stdout says what did not.
 */
#include <sys/time.h>

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int			 wake[2];
static _Thread_local int	 tls_id;

static void
on_alarm(int sig)
{
	(void)sig;
}

static void *
other(void *arg)
{
	struct pollfd	pfd = { wake[0], POLLIN, 0 };

	(void)arg;
	tls_id = 2;
	while (poll(&pfd, 1, -1) == -1)
		;
	return NULL;
}

int
main(void)
{
	struct sigaction	sa;
	struct itimerval	it = { { 0, 50000 }, { 0, 50000 } };
	struct timespec		t0, t1;
	pthread_t		t;
	int			r;

	tls_id = 1;
	if (pipe(wake) == -1 || pthread_create(&t, NULL, other, NULL) != 0) {
		printf("cannot start the probe\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		poll(NULL, 0, 1000);
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while (t1.tv_sec - t0.tv_sec < 1);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	if (tls_id != 1) {
		printf("after signals the main thread read another thread's "
		    "thread-local variable (%d, not 1)", tls_id);
		fflush(stdout);
	}
	if (write(wake[1], "x", 1) != 1)
		return 1;
	if ((r = pthread_join(t, NULL)) != 0)
		printf("%spthread_join: %s\n", tls_id != 1 ? "; " : "",
		    strerror(r));
	else if (tls_id != 1)
		printf("\n");
	return tls_id != 1 || r != 0;
}
