UNIT_DEPS_recindex := v720d/recorder/recindex.c
