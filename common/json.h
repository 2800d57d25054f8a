/*
 * Lenient JSON reading over jsmn: cameras put spaces in odd places and
 * add unknown keys.  Only top-level (or one nested object) keys are read.
 */
#ifndef V720_JSON_H
#define V720_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_TOKENS	128

struct json_tok {
	int	type;		/* JSON_OBJECT ... */
	int	start, end;	/* byte offsets in the text */
	int	size;		/* children */
};

#define JSON_UNDEFINED	0
#define JSON_OBJECT	1
#define JSON_ARRAY	2
#define JSON_STRING	3
#define JSON_PRIMITIVE	4

struct json_doc {
	const char	*text;
	size_t		 len;
	int		 ntok;
	struct json_tok	 tok[JSON_MAX_TOKENS];
};

/* Parse text (not NUL-terminated); 0 if it is one JSON object, -1 otherwise. */
int	json_parse(struct json_doc *, const char *text, size_t len);
/* Index of the value of key in the object at token obj, or -1. */
int	json_find(const struct json_doc *, int obj, const char *key);
/* Value at token i as an integer (number, or a string holding one). */
int	json_int(const struct json_doc *, int i, int64_t min, int64_t max,
	    int64_t *out);
/* Copy a string or primitive value (no unescaping beyond \" \\ \/). */
int	json_str(const struct json_doc *, int i, char *out, size_t outsz);
/* Shortcuts on the top-level object. */
int	json_get_int(const struct json_doc *, const char *key, int64_t min,
	    int64_t max, int64_t *out);
int	json_get_str(const struct json_doc *, const char *key, char *out,
	    size_t outsz);

#endif
