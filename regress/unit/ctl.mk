UNIT_DEPS_ctl := v720ctl/parser.c v720ctl/ap.c v720ctl/print.c
