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
#define JPEGDC_SKIP	11	/* bits of an AC code and value */

struct jpegdc_huff {
	uint16_t	 h_look[1 << JPEGDC_LOOK];	/* len << 8 | value */
	/* AC: a code and its value bits in one: skip << 8 | bits. */
	uint16_t	 h_skip[1 << JPEGDC_SKIP];
	int32_t		 h_maxcode[17];		/* -1: no code this long */
	int32_t		 h_valoff[17];
	uint8_t		 h_val[256];
	/* The table it was built from, to reuse it for the next frame. */
	uint8_t		 h_bits[17];
	uint8_t		 h_huffval[256];
	int		 h_ok;
};

struct jpegdc {
	struct jpegdc_huff	 jd_dc[NUM_HUFF_TBLS];
	struct jpegdc_huff	 jd_ac[NUM_HUFF_TBLS];
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
