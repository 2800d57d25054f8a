/* A small JSON writer into a growing buffer, with proper string escaping. */
#ifndef V720_JSONW_H
#define V720_JSONW_H

#include <stddef.h>
#include <stdint.h>

struct jsonw {
	char	*buf;
	size_t	 len, cap;
	int	 err;		/* sticky: allocation failed or nesting broken */
	int	 depth;
	int	 first[16];	/* no comma needed yet at this depth */
};

void	 jsonw_init(struct jsonw *);
void	 jsonw_free(struct jsonw *);
void	 jsonw_obj_open(struct jsonw *);
void	 jsonw_obj_close(struct jsonw *);
void	 jsonw_arr_open(struct jsonw *);
void	 jsonw_arr_close(struct jsonw *);
void	 jsonw_key(struct jsonw *, const char *);
void	 jsonw_str(struct jsonw *, const char *);
void	 jsonw_int(struct jsonw *, int64_t);
void	 jsonw_uint(struct jsonw *, uint64_t);
void	 jsonw_double(struct jsonw *, double);
void	 jsonw_bool(struct jsonw *, int);
void	 jsonw_null(struct jsonw *);
/* key + value shortcuts */
void	 jsonw_kstr(struct jsonw *, const char *, const char *);
void	 jsonw_kint(struct jsonw *, const char *, int64_t);
void	 jsonw_kuint(struct jsonw *, const char *, uint64_t);
/* NUL-terminated result, or NULL on error. */
const char *jsonw_result(struct jsonw *, size_t *len);

#endif
