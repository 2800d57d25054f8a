/*
 * The valgrind probe: a program that does nothing but link the libraries
 * the recorder's unit tests link (FFmpeg's and libjpeg), so that their
 * load-time initialisers run.  Some of those pull in code valgrind cannot
 * execute on some CPUs (libavcodec -> libjxl -> libhwy's timer set-up on
 * an AMD CPU with valgrind 3.19: "Illegal opcode", SIGILL before main).
 * regress/run-units.sh runs this under valgrind first; where it dies, the
 * unit tests linking the same libraries cannot run under valgrind either,
 * and are reported as skipped there (they run natively and under
 * ASan+UBSan in the other stages).
 *
 * A symbol of each library is used so that the link keeps every one of
 * them even with --as-needed: run-units.sh compares this program's
 * DT_NEEDED list with each test's.
 */
#include <stdio.h>

#include <jpeglib.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>

int
main(void)
{
	struct jpeg_error_mgr	jerr;

	jpeg_std_error(&jerr);
	printf("libavformat %u, libavcodec %u, libavutil %u, libjpeg %d\n",
	    avformat_version(), avcodec_version(), avutil_version(),
	    JPEG_LIB_VERSION);
	return 0;
}
