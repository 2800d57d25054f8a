/* common/jsonw.c: structure, numbers and string escaping. */
#include <string.h>

#include <criterion/criterion.h>

#include "jsonw.h"

static struct jsonw	w;

static const char *
one_string(const char *s)
{
	jsonw_init(&w);
	jsonw_str(&w, s);
	return jsonw_result(&w, NULL);
}

Test(jsonw, plain_and_quotes)
{
	cr_assert_str_eq(one_string("Porch"), "\"Porch\"");
	jsonw_free(&w);
	cr_assert_str_eq(one_string("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
	jsonw_free(&w);
}

Test(jsonw, control_characters)
{
	cr_assert_str_eq(one_string("\n\r\t\x01\x1f\x7f"),
	    "\"\\n\\r\\t\\u0001\\u001f\\u007f\"");
	jsonw_free(&w);
}

Test(jsonw, html_safe)
{
	cr_assert_str_eq(one_string("</script><b>&"),
	    "\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\"");
	jsonw_free(&w);
}

Test(jsonw, utf8_passes_through)
{
	cr_assert_str_eq(one_string("caf\xc3\xa9 \xe2\x82\xac"),
	    "\"caf\xc3\xa9 \xe2\x82\xac\"");
	jsonw_free(&w);
}

Test(jsonw, objects_arrays_and_commas)
{
	const char	*s;
	size_t		 len;

	jsonw_init(&w);
	jsonw_arr_open(&w);
	jsonw_obj_open(&w);
	jsonw_kstr(&w, "id", "x");
	jsonw_kint(&w, "n", -3);
	jsonw_kuint(&w, "u", 18446744073709551615ULL);
	jsonw_key(&w, "b");
	jsonw_null(&w);
	jsonw_key(&w, "t");
	jsonw_bool(&w, 1);
	jsonw_key(&w, "fps");
	jsonw_double(&w, 9.5);
	jsonw_obj_close(&w);
	jsonw_obj_open(&w);
	jsonw_obj_close(&w);
	jsonw_arr_close(&w);
	cr_assert_not_null(s = jsonw_result(&w, &len));
	cr_assert_str_eq(s, "[{\"id\":\"x\",\"n\":-3,\"u\":18446744073709551615,"
	    "\"b\":null,\"t\":true,\"fps\":9.50},{}]");
	cr_assert_eq(len, strlen(s));
	jsonw_free(&w);
}

Test(jsonw, keys_are_escaped)
{
	jsonw_init(&w);
	jsonw_obj_open(&w);
	jsonw_kint(&w, "a\"b", 1);
	jsonw_obj_close(&w);
	cr_assert_str_eq(jsonw_result(&w, NULL), "{\"a\\\"b\":1}");
	jsonw_free(&w);
}

Test(jsonw, not_a_number_is_null)
{
	jsonw_init(&w);
	jsonw_double(&w, 0.0 / 0.0);
	cr_assert_str_eq(jsonw_result(&w, NULL), "null");
	jsonw_free(&w);
}

Test(jsonw, unbalanced_is_an_error)
{
	jsonw_init(&w);
	jsonw_obj_open(&w);
	cr_assert_null(jsonw_result(&w, NULL));
	jsonw_free(&w);
	jsonw_init(&w);
	jsonw_obj_close(&w);
	cr_assert_null(jsonw_result(&w, NULL));
	jsonw_free(&w);
}

Test(jsonw, too_deep_is_an_error)
{
	int	i;

	jsonw_init(&w);
	for (i = 0; i < 20; i++)
		jsonw_arr_open(&w);
	cr_assert_null(jsonw_result(&w, NULL));
	jsonw_free(&w);
}

Test(jsonw, empty_result)
{
	jsonw_init(&w);
	cr_assert_str_eq(jsonw_result(&w, NULL), "");
	jsonw_free(&w);
}
