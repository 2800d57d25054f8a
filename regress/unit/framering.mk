UNIT_DEPS_framering :=
UNIT_LIBS_framering := -lpthread
