/* test-json-writer.c — the one JSON writer: valid under any locale, exact, escaped */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "sd-json.h"
#include "sd-json-writer.h"

/* Written, read back by the project's strict reader, and compared. */
static SdJsonNode *
parse_or_fail (const char *text)
{
  g_autoptr(GError) error = NULL;
  SdJsonNode *node = sd_json_parse (text, -1, "written", &error);

  if (node == NULL)
    g_error ("not JSON: %s\n%s", error->message, text);
  return node;
}

static void
test_structure (void)
{
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
  g_autofree char *text = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  SdJsonNode *list;

  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "name", "a \"quoted\" \\ name\nwith a line\t\x01");
  sd_json_writer_member_int (w, "count", G_MAXINT64);
  sd_json_writer_member_bool (w, "ok", TRUE);
  sd_json_writer_key (w, "none");
  sd_json_writer_null (w);
  sd_json_writer_key (w, "list");
  sd_json_writer_begin_array (w);
  sd_json_writer_int (w, 1);
  sd_json_writer_begin_object (w);
  sd_json_writer_end_object (w);
  sd_json_writer_begin_array (w);
  sd_json_writer_end_array (w);
  sd_json_writer_string (w, NULL);
  sd_json_writer_end_array (w);
  sd_json_writer_key (w, "params");
  sd_json_writer_raw (w, "  {\"k\": 10, \"a\": [1, 2]}  ");
  sd_json_writer_key (w, "broken");
  sd_json_writer_raw (w, "{\"k\": ");
  sd_json_writer_end_object (w);
  text = sd_json_writer_finish (g_steal_pointer (&w));

  root = parse_or_fail (text);
  g_assert_cmpstr (sd_json_node_get_member_string (root, "name"), ==, "a \"quoted\" \\ name\nwith a line\t\x01");
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "count")), ==, (double) G_MAXINT64);
  g_assert_nonnull (strstr (text, "\"count\":9223372036854775807"));
  g_assert_true (sd_json_node_get_boolean (sd_json_node_get_member (root, "ok")));
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (root, "none")), ==, SD_JSON_NULL);
  list = sd_json_node_get_member (root, "list");
  g_assert_cmpuint (sd_json_node_get_length (list), ==, 4);
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_element (list, 1)), ==, SD_JSON_OBJECT);
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_element (list, 3)), ==, SD_JSON_NULL);
  g_assert_cmpuint (sd_json_node_get_length (sd_json_node_get_member (root, "params")), ==, 2);
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (root, "broken")), ==, SD_JSON_NULL);
}

/* Every double reads back exactly, in the shortest form for the usual ones; NaN and
 * infinities, which JSON has no words for, become null. */
static void
test_numbers (void)
{
  const double values[] = { 0.1, 0.5, 33.3333333, 1234567.5, 1e-7, 2.0 / 3.0, -0.25, 1e300,
                            5e-324, 123456789012345678.0, 3.0 };
  const char *shortest[] = { "0.1", "0.5", "33.3333333", "1234567.5", "1e-07", NULL, "-0.25", "1e+300",
                             NULL, NULL, "3" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(SdJsonNode) node = NULL;

      sd_json_append_double (out, values[i]);
      node = parse_or_fail (out->str);
      g_assert_cmpfloat (sd_json_node_get_number (node), ==, values[i]);
      if (shortest[i])
        g_assert_cmpstr (out->str, ==, shortest[i]);
    }
  {
    g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
    g_autofree char *text = NULL;

    sd_json_writer_begin_array (w);
    sd_json_writer_double (w, NAN);
    sd_json_writer_double (w, INFINITY);
    sd_json_writer_fixed (w, -INFINITY, 3);
    sd_json_writer_fixed (w, 0.95701, 4);
    sd_json_writer_fixed (w, -0.00001, 3);
    sd_json_writer_fixed (w, 2, 0);
    sd_json_writer_end_array (w);
    text = sd_json_writer_finish (g_steal_pointer (&w));
    g_assert_cmpstr (text, ==, "[null,null,null,0.9570,0.000,2]");
  }
}

/* A German, French or Russian user's locale writes 0,5: the writer must not. */
static void
test_comma_locale (void)
{
  const char *names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8", NULL };
  const char *found = NULL;
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autoptr(SdJsonWriter) w = NULL;
  g_autofree char *text = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  char probe[32];

  for (guint i = 0; names[i] && !found; i++)
    if (setlocale (LC_NUMERIC, names[i]))
      found = names[i];
  if (found == NULL)
    {
      g_test_skip ("no comma-decimal locale is installed (.ci/deps.sh generates de_DE.UTF-8)");
      return;
    }
  g_snprintf (probe, sizeof probe, "%.1f", 0.5);
  g_assert_cmpstr (probe, ==, "0,5");   /* the locale really is a comma one */

  w = sd_json_writer_new ();
  sd_json_writer_begin_object (w);
  sd_json_writer_member_double (w, "engine_ms", 0.064);
  sd_json_writer_member_fixed (w, "confidence", 0.957, 4);
  sd_json_writer_member_double (w, "fit_seconds", 1234.5);
  sd_json_writer_end_object (w);
  text = sd_json_writer_finish (g_steal_pointer (&w));
  setlocale (LC_NUMERIC, saved);

  g_assert_cmpstr (text, ==, "{\"engine_ms\":0.064,\"confidence\":0.9570,\"fit_seconds\":1234.5}");
  root = parse_or_fail (text);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "engine_ms")), ==, 0.064);
}

/* Text from files and customers may be anything: the output is still valid UTF-8 JSON. */
static void
test_bad_text (void)
{
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
  g_autofree char *text = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  const char *s;

  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "bytes", "ok \xff\xfe end");
  sd_json_writer_member_string (w, "separators", "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\x1b[2J");
  sd_json_writer_end_object (w);
  text = sd_json_writer_finish (g_steal_pointer (&w));

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_null (strchr (text, '\x1b'));
  g_assert_nonnull (strstr (text, "\\u2028"));
  root = parse_or_fail (text);
  s = sd_json_node_get_member_string (root, "bytes");
  g_assert_true (g_str_has_prefix (s, "ok ") && g_str_has_suffix (s, " end"));
  g_assert_nonnull (strstr (s, "\xef\xbf\xbd"));
  g_assert_cmpstr (sd_json_node_get_member_string (root, "separators"), ==, "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\x1b[2J");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-writer/structure", test_structure);
  g_test_add_func ("/json-writer/numbers", test_numbers);
  g_test_add_func ("/json-writer/comma-locale", test_comma_locale);
  g_test_add_func ("/json-writer/bad-text", test_bad_text);
  return g_test_run ();
}
