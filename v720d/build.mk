# v720d: the privileged parent (v720d/*.c, the only code that runs as root)
# and the camera engine child (v720d/engine/), one executable started as
# "v720d -E" for the engine.
V720D_SRCS	:= $(filter-out v720d/parse.c,$(wildcard v720d/*.c)) v720d/parse.c \
		   $(wildcard v720d/engine/*.c)
V720D_OBJS	:= $(call objs,$(V720D_SRCS))
PROGS		+= $(B)v720d/v720d
CLEANFILES	+= v720d/parse.c v720d/parse.h

# parse.h: the token numbers, for the lexer and the keyword table.
v720d/parse.c v720d/parse.h &: v720d/parse.y
	byacc -H v720d/parse.h -o v720d/parse.c $<

$(B)v720d/lex.o $(B)v720d/keywords.o: v720d/parse.h

$(B)v720d/v720d: $(V720D_OBJS) $(COMMON_OBJS)
	$(LINK)
