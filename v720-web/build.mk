WEB_SRCS	:= $(wildcard v720-web/*.c)
WEB_OBJS	:= $(call objs,$(WEB_SRCS))
PROGS		+= $(B)v720-web/v720-web

$(B)v720-web/v720-web: $(WEB_OBJS) $(COMMON_OBJS)
	$(LINK)

# The viewer page: assets/index.html becomes a C array initialiser that
# page.c includes (<page-html.inc>, found only through this -I, so a
# build with another B never picks up a stale copy).
$(B)v720-web/page-html.inc: v720-web/assets/index.html v720-web/embed.sh
	@mkdir -p $(dir $@)
	sh v720-web/embed.sh v720-web/assets/index.html > $@.tmp && mv $@.tmp $@
$(B)v720-web/page.o: $(B)v720-web/page-html.inc
$(B)v720-web/page.o: CPPFLAGS += -I$(B)v720-web
CLEANFILES	+= $(B)v720-web/page-html.inc
