/*
 * The lexer of v720d.conf, in the style of OpenBSD daemons' parse.y: a
 * hand-written yylex() over a stack of files (include), $macros expanded
 * as they are read, -D macros that win over the file's.  Errors are
 * counted per file and reported as "file:line: message".
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lex.h"
#include "log.h"
#include "parse.h"

#define MAXINCLUDE	8
#define MAXWORD		8192

struct file {
	TAILQ_ENTRY(file)	 entry;
	FILE			*stream;
	char			*name;
	int			 lineno;
	int			 errors;
	size_t			 ungetpos;
	size_t			 ungetsize;
	unsigned char		*ungetbuf;
	int			 eof_reached;
};
TAILQ_HEAD(files, file);

struct sym {
	TAILQ_ENTRY(sym)	 entry;
	int			 used;
	int			 persist;	/* from -D */
	char			*nam;
	char			*val;
};
TAILQ_HEAD(syms, sym);

static struct files	 files = TAILQ_HEAD_INITIALIZER(files);
static struct syms	 symhead = TAILQ_HEAD_INITIALIZER(symhead);
static struct file	*file, *topfile;
static int		 nincludes;

static struct file	*pushfile(const char *, int);
static int		 popfile(void);
static int		 igetc(void);
static int		 lgetc(int);
static void		 lungetc(int);
static int		 findeol(void);
static char		*symget(const char *);

int
yyerror(const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	file->errors++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%d: %s\n", file->name, yylval.lineno, msg);
	return 0;
}

static unsigned char	*parsebuf;
static size_t		 parseindex;

static int
igetc(void)
{
	if (file->ungetpos > 0)
		return file->ungetbuf[--file->ungetpos];
	return getc(file->stream);
}

static int
lgetc(int quotec)
{
	int	c, next;

	/* Expanding a macro: read its value first. */
	if (parsebuf != NULL) {
		if ((c = parsebuf[parseindex++]) != '\0')
			return c;
		parsebuf = NULL;
		parseindex = 0;
	}
	if (quotec) {
		if ((c = igetc()) == EOF) {
			yyerror("reached end of file while parsing a "
			    "quoted string");
			if (file == topfile || popfile() == EOF)
				return EOF;
			return quotec;
		}
		return c;
	}
	while ((c = igetc()) == '\\') {
		next = igetc();
		if (next != '\n') {
			c = next;
			break;
		}
		yylval.lineno = file->lineno;
		file->lineno++;
	}
	if (c == EOF) {
		/* Each file ends with a newline for the grammar. */
		if (file->eof_reached == 0) {
			file->eof_reached = 1;
			return '\n';
		}
		while (c == EOF) {
			if (file == topfile || popfile() == EOF)
				return EOF;
			c = igetc();
		}
	}
	return c;
}

static void
lungetc(int c)
{
	unsigned char	*p;

	if (c == EOF)
		return;
	if (parsebuf != NULL) {
		parseindex--;
		return;
	}
	if (file->ungetpos >= file->ungetsize) {
		if ((p = reallocarray(file->ungetbuf, 2, file->ungetsize)) ==
		    NULL)
			fatal("lungetc");
		file->ungetbuf = p;
		file->ungetsize *= 2;
	}
	file->ungetbuf[file->ungetpos++] = c;
}

static int
findeol(void)
{
	int	c;

	/* Skip to the end of the line after an error. */
	for (;;) {
		if ((c = lgetc(0)) == EOF)
			return 0;
		if (c == '\n') {
			file->lineno++;
			return ERROR;
		}
	}
}

static int
allowed_in_word(int c)
{
	if (isalnum(c))
		return 1;
	switch (c) {
	case '!': case '$': case '%': case '&': case '*': case '+': case '-':
	case '.': case '/': case ':': case '?': case '@': case '[': case ']':
	case '^': case '_': case '|': case '~':
		return 1;
	}
	return 0;
}

int
yylex(void)
{
	char		 buf[MAXWORD], *p, *val;
	const char	*errstr;
	int		 quotec, next, c, token;

top:
	p = buf;
	while ((c = lgetc(0)) == ' ' || c == '\t')
		; /* nothing */

	yylval.lineno = file->lineno;
	if (c == '#')
		while ((c = lgetc(0)) != '\n' && c != EOF)
			; /* nothing */
	if (c == '$' && parsebuf == NULL) {
		while (1) {
			if ((c = lgetc(0)) == EOF)
				return 0;
			if (p + 1 >= buf + sizeof(buf) - 1) {
				yyerror("string too long");
				return findeol();
			}
			if (isalnum(c) || c == '_') {
				*p++ = c;
				continue;
			}
			*p = '\0';
			lungetc(c);
			break;
		}
		val = symget(buf);
		if (val == NULL) {
			yyerror("macro '%s' not defined", buf);
			return findeol();
		}
		parsebuf = (unsigned char *)val;
		parseindex = 0;
		goto top;
	}

	switch (c) {
	case '\'':
	case '"':
		quotec = c;
		while (1) {
			if ((c = lgetc(quotec)) == EOF)
				return 0;
			if (c == '\n') {
				file->lineno++;
				continue;
			} else if (c == '\\') {
				if ((next = lgetc(quotec)) == EOF)
					return 0;
				if (next == quotec || next == ' ' ||
				    next == '\t' || next == '\\')
					c = next;
				else if (next == '\n') {
					file->lineno++;
					continue;
				} else
					lungetc(next);
			} else if (c == quotec) {
				*p = '\0';
				break;
			} else if (c == '\0') {
				yyerror("NUL byte in string");
				return findeol();
			}
			if (p + 1 >= buf + sizeof(buf) - 1) {
				yyerror("string too long");
				return findeol();
			}
			*p++ = c;
		}
		if ((yylval.v.string = strdup(buf)) == NULL)
			fatal("%s", __func__);
		return STRING;
	}

#define allowed_to_end_number(x) \
	(isspace(x) || x == ')' || x == ',' || x == '/' || x == '}' || \
	    x == '=' || x == '#')

	if (c == '-' || isdigit(c)) {
		do {
			*p++ = c;
			if ((size_t)(p - buf) >= sizeof(buf)) {
				yyerror("string too long");
				return findeol();
			}
		} while ((c = lgetc(0)) != EOF && isdigit(c));
		lungetc(c);
		if (p == buf + 1 && buf[0] == '-')
			goto nodigits;
		if (c == EOF || allowed_to_end_number(c)) {
			*p = '\0';
			yylval.v.number = strtonum(buf, LLONG_MIN, LLONG_MAX,
			    &errstr);
			if (errstr) {
				yyerror("\"%s\" invalid number: %s", buf,
				    errstr);
				return findeol();
			}
			return NUMBER;
		} else {
nodigits:
			while (p > buf + 1)
				lungetc((unsigned char)*--p);
			c = (unsigned char)*--p;
			if (c == '-')
				return c;
		}
	}

	if (allowed_in_word(c)) {
		do {
			*p++ = c;
			if ((size_t)(p - buf) >= sizeof(buf)) {
				yyerror("string too long");
				return findeol();
			}
		} while ((c = lgetc(0)) != EOF && allowed_in_word(c));
		lungetc(c);
		*p = '\0';
		if ((token = lookup(buf)) == STRING)
			if ((yylval.v.string = strdup(buf)) == NULL)
				fatal("%s", __func__);
		return token;
	}
	if (c == '\n') {
		yylval.lineno = file->lineno;
		file->lineno++;
	}
	if (c == EOF)
		return 0;
	if (c != '\n' && c != '{' && c != '}' && c != '=') {
		yyerror("unexpected character '%c'",
		    isprint(c) ? c : '?');
		return findeol();
	}
	return c;
}

static struct file *
pushfile(const char *name, int missing_ok)
{
	struct file	*nfile;
	struct stat	 st;

	if (nincludes >= MAXINCLUDE) {
		errno = ELOOP;
		return NULL;
	}
	if ((nfile = calloc(1, sizeof(*nfile))) == NULL)
		return NULL;
	if ((nfile->name = strdup(name)) == NULL) {
		free(nfile);
		return NULL;
	}
	if ((nfile->stream = fopen(nfile->name, "r")) == NULL) {
		if (!(missing_ok && errno == ENOENT))
			fprintf(stderr, "%s: %s\n", nfile->name,
			    strerror(errno));
		free(nfile->name);
		free(nfile);
		return NULL;
	}
	/* Only regular files: "include /dev/zero" must not hang the parent. */
	if (fstat(fileno(nfile->stream), &st) == -1 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: not a regular file\n", nfile->name);
		fclose(nfile->stream);
		free(nfile->name);
		free(nfile);
		errno = EINVAL;
		return NULL;
	}
	nfile->lineno = TAILQ_EMPTY(&files) ? 1 : 0;
	nfile->ungetsize = 16;
	if ((nfile->ungetbuf = malloc(nfile->ungetsize)) == NULL) {
		fclose(nfile->stream);
		free(nfile->name);
		free(nfile);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&files, nfile, entry);
	nincludes++;
	return nfile;
}

static int
popfile(void)
{
	struct file	*prev;

	if ((prev = TAILQ_PREV(file, files, entry)) != NULL)
		prev->errors += file->errors;
	TAILQ_REMOVE(&files, file, entry);
	fclose(file->stream);
	free(file->name);
	free(file->ungetbuf);
	free(file);
	file = prev;
	nincludes--;
	return file ? 0 : EOF;
}

int
symset(const char *nam, const char *val, int persist)
{
	struct sym	*sym;

	TAILQ_FOREACH(sym, &symhead, entry) {
		if (strcmp(nam, sym->nam) == 0)
			break;
	}
	if (sym != NULL) {
		if (sym->persist)
			return 0;	/* -D wins over the file */
		free(sym->nam);
		free(sym->val);
		TAILQ_REMOVE(&symhead, sym, entry);
		free(sym);
	}
	if ((sym = calloc(1, sizeof(*sym))) == NULL)
		return -1;
	if ((sym->nam = strdup(nam)) == NULL ||
	    (sym->val = strdup(val)) == NULL) {
		free(sym->nam);
		free(sym);
		return -1;
	}
	sym->persist = persist;
	TAILQ_INSERT_TAIL(&symhead, sym, entry);
	return 0;
}

int
cmdline_symset(const char *s)
{
	char	*sym, *val;
	int	 ret;

	if ((val = strchr(s, '=')) == NULL || val == s)
		return -1;
	if ((sym = strndup(s, val - s)) == NULL)
		return -1;
	ret = symset(sym, val + 1, 1);
	free(sym);
	return ret;
}

static char *
symget(const char *nam)
{
	struct sym	*sym;

	TAILQ_FOREACH(sym, &symhead, entry) {
		if (strcmp(nam, sym->nam) == 0) {
			sym->used = 1;
			return sym->val;
		}
	}
	return NULL;
}

/* The top file; -1 with errno set (ENOENT: no such file). */
int
lex_open(const char *name, int missing_ok)
{
	nincludes = 0;
	if ((file = pushfile(name, missing_ok)) == NULL)
		return -1;
	topfile = file;
	return 0;
}

/* "include": read on in the new file, then back in this one. */
int
lex_include(const char *name)
{
	struct file	*nfile;

	if ((nfile = pushfile(name, 0)) == NULL)
		return -1;
	file = nfile;
	lungetc('\n');
	return 0;
}

/* An error the grammar recovered from, counted against the file. */
void
lex_error(void)
{
	file->errors++;
}

/*
 * After the parse: the number of errors.  Macros from the file are
 * forgotten, -D ones kept for the next parse (a reload).
 */
int
lex_close(void)
{
	struct sym	*sym, *next;
	int		 errors;

	errors = file->errors;
	popfile();
	TAILQ_FOREACH_SAFE(sym, &symhead, entry, next) {
		if (!sym->persist) {
			free(sym->nam);
			free(sym->val);
			TAILQ_REMOVE(&symhead, sym, entry);
			free(sym);
		}
	}
	parsebuf = NULL;
	return errors;
}
