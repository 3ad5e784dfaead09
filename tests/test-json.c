/* test-json.c — the JSON reader on good and malformed input */
#include "config.h"

#include <string.h>

#include "sd-error.h"
#include "sd-json.h"

static void
test_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  SdJsonNode *arr, *obj;
  const char *text =
    "\xEF\xBB\xBF {\n"
    "  \"name\": \"caf\\u00e9 \\\"quoted\\\" \\\\ \\/ \\b\\f\\n\\r\\t\",\n"
    "  \"emoji\": \"\\ud83d\\ude00 \xE4\xB8\xAD\xE6\x96\x87\",\n"
    "  \"numbers\": [0, -1.5e3, 12.25, 1E2, -0],\n"
    "  \"flags\": [true, false, null],\n"
    "  \"nested\": {\"a\": {\"b\": [[], {}]}},\n"
    "  \"dup\": 1, \"dup\": 2,\n"
    "  \"nul\": \"a\\u0000b\"\n"
    "}\n";

  root = sd_json_parse (text, -1, "test.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_cmpint (sd_json_node_get_node_type (root), ==, SD_JSON_OBJECT);
  g_assert_cmpuint (sd_json_node_get_length (root), ==, 8);
  g_assert_cmpstr (sd_json_node_get_member_name (root, 0), ==, "name");
  g_assert_cmpstr (sd_json_node_get_member_string (root, "name"), ==,
                   "caf\xC3\xA9 \"quoted\" \\ / \b\f\n\r\t");
  g_assert_cmpstr (sd_json_node_get_member_string (root, "emoji"), ==,
                   "\xF0\x9F\x98\x80 \xE4\xB8\xAD\xE6\x96\x87");

  arr = sd_json_node_get_member (root, "numbers");
  g_assert_cmpuint (sd_json_node_get_length (arr), ==, 5);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_element (arr, 0)), ==, 0.0);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_element (arr, 1)), ==, -1500.0);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_element (arr, 2)), ==, 12.25);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_element (arr, 3)), ==, 100.0);
  g_assert_null (sd_json_node_get_element (arr, 5));
  g_assert_cmpuint (sd_json_node_get_line (arr), ==, 4);

  arr = sd_json_node_get_member (root, "flags");
  g_assert_true (sd_json_node_get_boolean (sd_json_node_get_element (arr, 0)));
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_element (arr, 1)), ==, SD_JSON_BOOL);
  g_assert_false (sd_json_node_get_boolean (sd_json_node_get_element (arr, 1)));
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_element (arr, 2)), ==, SD_JSON_NULL);

  obj = sd_json_node_get_member (sd_json_node_get_member (root, "nested"), "a");
  arr = sd_json_node_get_member (obj, "b");
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_element (arr, 0)), ==, SD_JSON_ARRAY);
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_element (arr, 1)), ==, SD_JSON_OBJECT);
  g_assert_cmpuint (sd_json_node_get_length (sd_json_node_get_element (arr, 1)), ==, 0);

  /* The last of duplicate members wins. */
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "dup")), ==, 2.0);
  g_assert_null (sd_json_node_get_member (root, "absent"));
  g_assert_null (sd_json_node_get_member_string (root, "dup"));

  g_assert_cmpuint (sd_json_node_get_string_length (sd_json_node_get_member (root, "nul")), ==, 3);
  g_assert_cmpint (memcmp (sd_json_node_get_string (sd_json_node_get_member (root, "nul")), "a\0b", 3), ==, 0);
}

static void
test_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  const char *text = "{\"text\": \"one\", \"n\": 1}\n\n  {\"text\": \"two\"}  \r\n[3]\n";

  root = sd_json_parse_lines (text, -1, "x.jsonl", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sd_json_node_get_length (root), ==, 3);
  g_assert_cmpstr (sd_json_node_get_member_string (sd_json_node_get_element (root, 1), "text"), ==, "two");
  g_assert_cmpuint (sd_json_node_get_line (sd_json_node_get_element (root, 1)), ==, 3);
  g_assert_cmpuint (sd_json_node_get_line (sd_json_node_get_element (root, 2)), ==, 4);

  /* Two values on one line are not JSON lines. */
  g_clear_pointer (&root, sd_json_node_free);
  root = sd_json_parse_lines ("{} {}\n", -1, "x.jsonl", &error);
  g_assert_null (root);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "x.jsonl:1:"));
}

/* Members walked by index, as the readers of flat objects do (the demo shop's category
 * names, a model's saved parameters, review lines): element i is the value of member i. */
static void
test_members_by_index (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) root = NULL;

  root = sd_json_parse ("{\"Kitchen\": \"\u53a8\u623f\", \"factors\": 64, \"reg\": 0.05,"
                        " \"cg\": false, \"solver\": \"cholesky\", \"x\": null, \"Kitchen\": \"\u53a8\"}",
                        -1, "params", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sd_json_node_get_length (root), ==, 7);
  g_assert_cmpstr (sd_json_node_get_member_name (root, 0), ==, "Kitchen");
  g_assert_cmpstr (sd_json_node_get_string (sd_json_node_get_element (root, 0)), ==, "\xE5\x8E\xA8\xE6\x88\xBF");
  g_assert_cmpstr (sd_json_node_get_member_name (root, 1), ==, "factors");
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_element (root, 1)), ==, 64.0);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_element (root, 2)), ==, 0.05);
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_element (root, 3)), ==, SD_JSON_BOOL);
  g_assert_false (sd_json_node_get_boolean (sd_json_node_get_element (root, 3)));
  g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_element (root, 5)), ==, SD_JSON_NULL);
  /* By index every duplicate is there; by name the last wins. */
  g_assert_cmpstr (sd_json_node_get_member_name (root, 6), ==, "Kitchen");
  g_assert_cmpstr (sd_json_node_get_member_string (root, "Kitchen"), ==, "\xE5\x8E\xA8");
  g_assert_null (sd_json_node_get_member_name (root, 7));
  g_assert_null (sd_json_node_get_element (root, 7));
  /* An array has elements but no member names. */
  g_clear_pointer (&root, sd_json_node_free);
  root = sd_json_parse ("[1]", -1, NULL, &error);
  g_assert_null (sd_json_node_get_member_name (root, 0));
  g_assert_null (sd_json_node_get_member (root, "0"));
}

/* Review lines as the Amazon data sets write them: escapes the old strstr reader got
 * wrong (surrogate pairs, \" inside the text, a key name inside another value). */
static void
test_review_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  const char *text =
    "{\"reviewerID\": \"A1\", \"reviewText\": \"He said \\\"overall\\\": 1 \\ud83d\\ude00\", \"overall\": 5.0}\n"
    "{\"summary\": \"\\\"summary\\\":\", \"overall\": 2.0, \"reviewText\": \"tab\\there\"}\n";
  SdJsonNode *first, *second;

  root = sd_json_parse_lines (text, -1, "reviews.json", &error);
  g_assert_no_error (error);
  first = sd_json_node_get_element (root, 0);
  second = sd_json_node_get_element (root, 1);
  g_assert_cmpstr (sd_json_node_get_member_string (first, "reviewText"), ==,
                   "He said \"overall\": 1 \xF0\x9F\x98\x80");
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (first, "overall")), ==, 5.0);
  g_assert_null (sd_json_node_get_member (first, "summary"));
  g_assert_cmpstr (sd_json_node_get_member_string (second, "summary"), ==, "\"summary\":");
  g_assert_cmpstr (sd_json_node_get_member_string (second, "reviewText"), ==, "tab\there");
  g_assert_cmpuint (sd_json_node_get_line (second), ==, 2);
}

static void
test_malformed (void)
{
  static const struct {
    const char *text;
    const char *where;   /* "line:column" expected in the message */
  } cases[] = {
    { "", "1:1" },
    { "{", "1:2" },
    { "[1,]", "1:4" },
    { "[1 2]", "1:4" },
    { "{\"a\" 1}", "1:6" },
    { "{a: 1}", "1:2" },
    { "{\"a\": 1,}", "1:9" },
    { "\"abc", "1:5" },
    { "\"a\nb\"", "1:3" },
    { "\"\\x\"", "1:3" },
    { "\"\\u12g4\"", "1:2" },
    { "\"\\ud800\"", "1:2" },
    { "\"\\ud800\\u0041\"", "1:2" },
    { "\"\\udc00\"", "1:2" },
    { "\"\xC3\x28\"", "1:2" },
    { "01", "1:2" },
    { "1.", "1:3" },
    { "1e", "1:3" },
    { "-", "1:2" },
    { "+1", "1:1" },
    { "tru", "1:1" },
    { "nulll", "1:1" },
    { "[1] x", "1:5" },
    { "{\n  \"a\": [1,\n    tru]\n}", "3:5" },
    { "\x01", "1:1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdJsonNode) node = sd_json_parse (cases[i].text, -1, "bad.json", &error);
      g_autofree char *where = g_strdup_printf ("bad.json:%s:", cases[i].where);

      if (node != NULL)
        g_error ("case %u (%s) parsed but is not JSON", i, cases[i].text);
      g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
      if (strstr (error->message, where) == NULL)
        g_error ("case %u: expected “%s” in “%s”", i, where, error->message);
    }
}

static void
test_deep_nesting (void)
{
  g_autoptr(GError) error = NULL;
  GString *deep = g_string_new (NULL);
  g_autoptr(SdJsonNode) node = NULL;

  /* A stack-exhausting document must fail cleanly... */
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  node = sd_json_parse (deep->str, deep->len, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "nesting"));
  g_clear_error (&error);

  /* ...while reasonable nesting is fine. */
  g_string_truncate (deep, 0);
  for (int i = 0; i < 100; i++)
    g_string_append (deep, "{\"a\":[");
  g_string_append (deep, "1");
  for (int i = 0; i < 100; i++)
    g_string_append (deep, "]}");
  node = sd_json_parse (deep->str, deep->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_string_free (deep, TRUE);
}

static void
test_not_nul_terminated (void)
{
  g_autoptr(GError) error = NULL;
  /* The length bounds the parse even where the buffer goes on. */
  g_autoptr(SdJsonNode) node = sd_json_parse ("12345", 3, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat (sd_json_node_get_number (node), ==, 123.0);
}

/* Bounded fuzzing: mutations of a valid document parse or fail with a reason, never
 * crash (the sanitizers in CI catch what a plain run would not). */
static void
test_mutations (void)
{
  const char *seed_doc = "[{\"text\": \"caf\\u00e9 \\ud83d\\ude00\", \"n\": -1.5e3, \"ok\": [true, false, null],"
                         " \"o\": {\"a\": [], \"b\": {}}}]";
  static const char alphabet[] = "{}[]\",:\\u0123456789eE.-+ tfnrl\x01\xC3\xA9\xFF";
  g_autoptr(GRand) rand = g_rand_new_with_seed (12345);
  gsize len = strlen (seed_doc);

  for (int round = 0; round < 20000; round++)
    {
      g_autofree char *doc = g_strdup (seed_doc);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdJsonNode) node = NULL;
      gsize doc_len = len;
      int edits = g_rand_int_range (rand, 1, 4);

      for (int e = 0; e < edits && doc_len > 0; e++)
        {
          gsize at = g_rand_int_range (rand, 0, doc_len);
          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:   /* replace a byte */
              doc[at] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
              break;
            case 1:   /* cut the document */
              doc_len = at;
              break;
            default:  /* duplicate a byte */
              doc[at] = doc[g_rand_int_range (rand, 0, doc_len)];
              break;
            }
        }
      node = sd_json_parse (doc, doc_len, "fuzz", &error);
      g_assert_true ((node == NULL) != (error == NULL));
      if (error)
        g_assert_true (g_str_has_prefix (error->message, "fuzz:"));
      g_clear_error (&error);
      g_clear_pointer (&node, sd_json_node_free);
      node = sd_json_parse_lines (doc, doc_len, "fuzz", &error);
      g_assert_true ((node == NULL) != (error == NULL));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/mutations", test_mutations);
  g_test_add_func ("/json/values", test_values);
  g_test_add_func ("/json/lines", test_lines);
  g_test_add_func ("/json/members-by-index", test_members_by_index);
  g_test_add_func ("/json/review-lines", test_review_lines);
  g_test_add_func ("/json/malformed", test_malformed);
  g_test_add_func ("/json/deep-nesting", test_deep_nesting);
  g_test_add_func ("/json/not-nul-terminated", test_not_nul_terminated);
  return g_test_run ();
}
