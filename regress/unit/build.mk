# Unit tests: regress/unit/test_NAME.c -> $(B)regress/unit/bin/test_NAME,
# linked with common/ and the sources listed in UNIT_DEPS_NAME (set in
# regress/unit/NAME.mk by the module's owner), and the libraries in
# UNIT_LIBS_NAME.
UNIT_SRCS	:= $(wildcard regress/unit/test_*.c)
UNIT_TESTS	+= $(patsubst regress/unit/test_%.c,$(B)regress/unit/bin/test_%,$(UNIT_SRCS))
include $(filter-out regress/unit/build.mk,$(wildcard regress/unit/*.mk))

.SECONDEXPANSION:
$(B)regress/unit/bin/test_%: $(B)regress/unit/test_%.o $(COMMON_OBJS) $$(call objs,$$(UNIT_DEPS_$$*))
	$(LINK_TEST) $(UNIT_LIBS_$*)
