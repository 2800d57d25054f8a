UNIT_DEPS_wav :=
