/*
 * The 8x8 block means of a JPEG's luma, straight from its entropy-coded
 * data: each block's DC coefficient is decoded and its AC coefficients
 * are skipped without being reconstructed.  That is libjpeg's 1/8-scale
 * grey output, bit for bit, without its per-block machinery (motion.c
 * spends most of its time here).  libjpeg reads the headers; only
 * baseline Huffman frames in one interleaved scan with full-resolution
 * luma are taken, anything else is left to libjpeg's own decode.
 */
#ifndef V720_JPEGDC_H
#define V720_JPEGDC_H

#include <stdint.h>
#include <stdio.h>

#include <jpeglib.h>

#define JPEGDC_LOOK	9	/* bits of a code looked up at once */
#define JPEGDC_SKIP	13	/* bits of AC codes and values at once */
#define JPEGDC_DCV	11	/* bits of a DC code and value at once */
/* Built tables kept, of each kind: more than a frame can use (4). */
#define JPEGDC_TABLES	6

struct jpegdc_huff {
	uint16_t	 h_look[1 << JPEGDC_LOOK];	/* len << 8 | value */
	int32_t		 h_maxcode[17];		/* -1: no code this long */
	int32_t		 h_valoff[17];
	uint8_t		 h_val[256];
	/*
	 * AC only: one or two codes with their value bits in one look-up,
	 * see jpegdc.c (SKIP_*); 0 when the first does not fit.
	 */
	uint32_t	*h_skip;
	/* DC only: a code and its value bits: value * 256 + bits, or 0. */
	int32_t		*h_dcv;
	/* The table it was built from, to find it for the next frame. */
	uint8_t		 h_bits[17];
	uint8_t		 h_huffval[256];
	int		 h_ok;
	uint64_t	 h_used;		/* last frame that used it */
};

/*
 * The tables built so far, found again by their contents: a camera
 * sends the same ones in every frame, and cameras of one make the same
 * as each other as a rule, so one struct jpegdc serves every camera of
 * a process (266 KB, most of it the look-ups) and a table is built once,
 * not per frame or per camera.  A frame with other tables replaces the
 * ones used longest ago.
 */
struct jpegdc {
	struct jpegdc_huff	 jd_dc[JPEGDC_TABLES];
	struct jpegdc_huff	 jd_ac[JPEGDC_TABLES];
	uint32_t		 jd_skip[JPEGDC_TABLES][1 << JPEGDC_SKIP];
	int32_t			 jd_dcv[JPEGDC_TABLES][1 << JPEGDC_DCV];
	uint64_t		 jd_frames;
};

/*
 * After jpeg_read_header on d (memory source): out gets w x h block
 * means (w, h as libjpeg's output at scale 1/8).  0 when taken; rows
 * after a truncation or a corrupt code keep what out held.  -1 when
 * the layout is not one this handles (nothing written, d untouched).
 */
int	jpegdc_decode(struct jpegdc *, j_decompress_ptr d, uint8_t *out,
	    int w, int h);

#endif
