UNIT_DEPS_jsonw :=
