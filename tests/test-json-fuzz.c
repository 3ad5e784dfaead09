/* test-json-fuzz.c — mutated and random input through the JSON reader (documents and JSON
 * lines) for a bounded time: no crash, no hang, and either a tree that is well-formed
 * (valid UTF-8 strings, nesting within the limit, lines in order) or an error that gives
 * the position as source:line:column inside the input.
 * Seeded, so a failure can be replayed: SD_FUZZ_SEED=N SD_FUZZ_SECONDS=S. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sd-error.h"
#include "sd-json.h"

static const char *const seeds[] = {
  "{\"counts\": {\"rows\": 12, \"rejected\": 0}, \"elapsed_us\": 1234}",
  "[1, -2.5e3, 0.125, true, false, null, \"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"]",
  "{\"user\": \"where is my order SD-100001?\", \"intent\": \"order_status\", \"lang\": \"en\"}",
  "{\"text\": \"\xe6\x88\x91\xe7\x9a\x84\xe8\xae\xa2\xe5\x8d\x95\", \"n\": [[], {}, [{}]]}",
  "{\"a\": 1}\n{\"a\": 2}\n\n{\"b\": [3]}\n",
  "\"\\u0000 nul inside\"",
  "  [ ]  ",
  "1e400",
};

static const char *const inserts[] = {
  "\"", "\\", "\\u", "\\ud800", "\\udc00", "{", "}", "[", "]", ",", ":", "\n", "\r\n", "-", "0",
  "1e", ".", "true", "nul", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "/*", "'",
};

static void
mutate (GRand   *rand,
        GString *s)
{
  guint n = g_rand_int_range (rand, 1, 6);

  for (guint k = 0; k < n; k++)
    {
      gsize pos = s->len ? g_rand_int_range (rand, 0, s->len + 1) : 0;

      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0:
          if (s->len)
            s->str[MIN (pos, s->len - 1)] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;
        case 1:
          g_string_truncate (s, pos);
          break;
        case 2:
        case 3:
          g_string_insert (s, pos, inserts[g_rand_int_range (rand, 0, G_N_ELEMENTS (inserts))]);
          break;
        case 4:   /* a NUL byte */
          g_string_insert_len (s, pos, "\0", 1);
          break;
        case 5:   /* deep nesting, now and then past the limit */
          {
            guint depth = g_rand_int_range (rand, 1, 2 * SD_JSON_MAX_DEPTH);
            char open = g_rand_boolean (rand) ? '[' : '{';
            for (guint d = 0; d < depth; d++)
              g_string_insert_c (s, pos, open);
          }
          break;
        case 6:   /* a huge string or number */
          {
            gsize len = g_rand_int_range (rand, 100, 100000);
            char *big = g_malloc (len);
            memset (big, g_rand_boolean (rand) ? 'x' : '9', len);
            g_string_insert_len (s, pos, big, len);
            g_free (big);
          }
          break;
        default:
          for (int r = g_rand_int_range (rand, 1, 32); r > 0; r--)
            g_string_insert_c (s, pos, (char) g_rand_int_range (rand, 0, 256));
          break;
        }
    }
}

static guint
count_lines (const GString *s)
{
  guint n = 1;

  for (gsize i = 0; i < s->len; i++)
    n += s->str[i] == '\n';
  return n;
}

static void
check_node (const SdJsonNode *node,
            guint             depth,
            guint             lines)
{
  g_assert_cmpuint (depth, <=, SD_JSON_MAX_DEPTH + 1);
  g_assert_cmpuint (sd_json_node_get_line (node), >=, 1);
  g_assert_cmpuint (sd_json_node_get_line (node), <=, lines);
  switch (sd_json_node_get_node_type (node))
    {
    case SD_JSON_STRING:
      {
        /* Valid UTF-8 but for U+0000 (\u0000), which g_utf8_validate_len() refuses. */
        const char *str = sd_json_node_get_string (node);
        gsize len = sd_json_node_get_string_length (node);
        for (gsize start = 0; start <= len; )
          {
            const char *nul = memchr (str + start, '\0', len - start);
            gsize end = nul ? (gsize) (nul - str) : len;
            g_assert_true (g_utf8_validate_len (str + start, end - start, NULL));
            start = end + 1;
          }
      }
      break;
    case SD_JSON_ARRAY:
    case SD_JSON_OBJECT:
      for (guint i = 0; i < sd_json_node_get_length (node); i++)
        {
          if (sd_json_node_get_node_type (node) == SD_JSON_OBJECT)
            g_assert_true (g_utf8_validate (sd_json_node_get_member_name (node, i), -1, NULL));
          check_node (sd_json_node_get_element (node, i), depth + 1, lines);
        }
      break;
    default:
      break;
    }
}

/* An error says “fuzz.json:LINE:COLUMN: reason”, within the input. */
static void
check_error (const GError *error,
             guint         lines)
{
  guint line = 0;
  long column = 0;

  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "fuzz.json:"));
  g_assert_cmpint (sscanf (error->message, "fuzz.json:%u:%ld:", &line, &column), ==, 2);
  g_assert_cmpuint (line, >=, 1);
  g_assert_cmpuint (line, <=, lines);
  g_assert_cmpint (column, >=, 1);
}

static void
test_fuzz (void)
{
  const char *seconds_env = g_getenv ("SD_FUZZ_SECONDS");
  const char *seed_env = g_getenv ("SD_FUZZ_SEED");
  double seconds = seconds_env ? g_ascii_strtod (seconds_env, NULL) : 3.0;
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20261206;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint iterations = 0, parsed = 0;

  while (g_get_monotonic_time () < deadline || iterations < 100)
    {
      GString *s = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdJsonNode) node = NULL;
      gboolean lines_mode = g_rand_int_range (rand, 0, 4) == 0;
      guint lines;

      if (g_rand_int_range (rand, 0, 10) == 0)
        for (int k = g_rand_int_range (rand, 0, 400); k > 0; k--)
          g_string_append_c (s, (char) g_rand_int_range (rand, 0, 256));
      else
        {
          g_string_append (s, seeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (seeds))]);
          mutate (rand, s);
        }
      lines = count_lines (s);
      node = lines_mode ? sd_json_parse_lines (s->str, s->len, "fuzz.json", &error)
                        : sd_json_parse (s->str, s->len, "fuzz.json", &error);
      /* One or the other, never both or neither. */
      g_assert_true ((node == NULL) != (error == NULL));
      if (node)
        {
          check_node (node, 0, lines);
          parsed++;
        }
      else
        check_error (error, lines);
      g_string_free (s, TRUE);
      iterations++;
    }
  g_test_message ("%u inputs, %u parsed (seed %u)", iterations, parsed, seed);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-fuzz/reader", test_fuzz);
  return g_test_run ();
}
