/*
 * The valgrind probe: a program that does nothing but link libavcodec,
 * so that the load-time initialisers of it and its dependencies run.
 * Some of those are code valgrind cannot execute on some CPUs
 * (libavcodec -> libjxl -> libhwy's timer set-up on an AMD CPU with
 * valgrind 3.19: "Illegal opcode", SIGILL before main).
 * regress/run-units.sh runs this under valgrind first; where it dies,
 * every unit test linking libavcodec (the recorder's, the rtsp child's
 * encoder tests) cannot run under valgrind either, and is reported as
 * skipped there (they run natively and under ASan+UBSan in the other
 * stages).  Tests linking only libjpeg still run under valgrind.
 *
 * A symbol of the library is used so that the link keeps it even with
 * --as-needed: run-units.sh compares this program's DT_NEEDED list with
 * each test's.
 */
#include <stdio.h>

#include <libavcodec/avcodec.h>

int
main(void)
{
	printf("libavcodec %u\n", avcodec_version());
	return 0;
}
