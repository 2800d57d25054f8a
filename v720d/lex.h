/*
 * The lexer of v720d.conf, shared by the grammar (parse.y) and the lexer
 * (lex.c, keywords.c): the token value, the file stack with include, and
 * $macros.  Token numbers come from parse.h, which byacc writes from
 * parse.y's %token lines.
 */
#ifndef V720D_LEX_H
#define V720D_LEX_H

#include <stdint.h>

typedef struct {
	union {
		int64_t	 number;
		char	*string;
	} v;
	int lineno;
} YYSTYPE;
#define YYSTYPE_IS_DECLARED 1

/* parse.c (byacc) owns the token value; yylex() fills it in. */
extern YYSTYPE	 yylval;

int	 yylex(void);
int	 yyerror(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

/* lex.c: the file stack. */
int	 lex_open(const char *, int);
int	 lex_include(const char *);
void	 lex_error(void);
int	 lex_close(void);

/* lex.c: macros, "name = value" in the file and -D on the command line. */
int	 symset(const char *, const char *, int);

/* keywords.c: a keyword's token, or STRING for any other word. */
int	 lookup(const char *);

#endif
