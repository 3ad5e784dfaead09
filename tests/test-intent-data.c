/* test-intent-data.c — reading labelled texts from CSV and JSON, and splitting them */
#include "config.h"

#include <string.h>

#include "sd-error.h"
#include "sd-chat-corpus.h"
#include "sd-intent-data.h"
#include "sd-intent-names.h"

static SdIntentData *
parse (const char  *text,
       const char  *text_column,
       const char  *label_column,
       GError     **error)
{
  return sd_intent_data_parse (text, strlen (text), "data", text_column, label_column, error);
}

static void
test_csv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdIntentData) data = NULL;
  const char *csv =
    "\xEF\xBB\xBFid,text,category\r\n"
    "1,plain text,card_arrival\r\n"
    "2,\"with, a comma and \"\"quotes\"\"\",top_up\n"
    "3,\"two\nlines\",  top_up  \n"
    "\n";

  data = parse (csv, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sd_intent_data_get_size (data), ==, 3);
  g_assert_cmpstr (data->texts->pdata[1], ==, "with, a comma and \"quotes\"");
  g_assert_cmpstr (data->texts->pdata[2], ==, "two\nlines");
  g_assert_cmpstr (data->labels->pdata[2], ==, "top_up");
  g_assert_cmpuint (g_array_index (data->lines, guint, 2), ==, 4);
  g_clear_pointer (&data, sd_intent_data_free);

  /* Columns by name, in any case; and the defaults without "text". */
  data = parse ("Utterance,Intent,x\nhi,greet,1\n", "utterance", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->labels->pdata[0], ==, "greet");
  g_clear_pointer (&data, sd_intent_data_free);
  data = parse ("a,b\nhello,greet\n", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->texts->pdata[0], ==, "hello");
  g_assert_cmpstr (data->labels->pdata[0], ==, "greet");
  g_clear_pointer (&data, sd_intent_data_free);
  data = parse ("a,b,c\nhello,greet,x\n", NULL, "c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->labels->pdata[0], ==, "x");
}

static void
test_csv_errors (void)
{
  static const struct {
    const char *text;
    const char *text_column;
    const char *label_column;
    const char *expected;
  } cases[] = {
    { "text,category\nok,a\ntoo,many,fields\n", NULL, NULL, "data:3: 3 fields" },
    { "text,category\nok,a\n\"open,a\n", NULL, NULL, "data:3: a quoted field is not closed" },
    { "text,category\n\"x\"y,a\n", NULL, NULL, "data:2: text after the closing quote" },
    { "text,category\nok,\n", NULL, NULL, "data:2: the label is empty" },
    { "text,category\nbad \xFF,a\n", NULL, NULL, "data:2: the text is not valid UTF-8" },
    { "text,category\nok,a\n", "missing", NULL, "no text column “missing”" },
    { "text,category\nok,a\n", NULL, "missing", "no label column “missing”" },
    { "text\nok\n", NULL, NULL, "no label column" },
    { "", NULL, NULL, "data: the file is empty" },
    /* A record's problems are reported at the line where it starts. */
    { "text,category\n\"two\nlines\",a,b\n", NULL, NULL, "data:2: 3 fields" },
    { "text,category\n\"two\nlines\"x,a\n", NULL, NULL, "data:2: text after the closing quote" },
    { "\"text\"x,category\nok,a\n", NULL, NULL, "data:1: text after the closing quote" },
    { "\x89PNG\r\n\x1a\n", NULL, NULL, "a PNG image, not CSV text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdIntentData) data = parse (cases[i].text, cases[i].text_column,
                                            cases[i].label_column, &error);
      g_assert_null (data);
      g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
      if (strstr (error->message, cases[i].expected) == NULL)
        g_error ("case %u: expected “%s” in “%s”", i, cases[i].expected, error->message);
    }
}

static void
test_csv_binary (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdIntentData) data = NULL;
  static const char text[] = "text,category\nok,a\nnul\0byte,b\n";

  /* A NUL byte is a binary file, not a text cut short. */
  data = sd_intent_data_parse (text, sizeof text - 1, "data", NULL, NULL, &error);
  g_assert_null (data);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_clear_error (&error);

  /* Without a GError the failure still shows. */
  g_assert_null (sd_intent_data_parse (text, sizeof text - 1, "data", NULL, NULL, NULL));

  /* Semicolons and tabs are text in a CSV file; CRLF inside a quoted field is kept. */
  data = parse ("text,label\r\n\"a;b\tc\r\nd\",x\r\n", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->texts->pdata[0], ==, "a;b\tc\r\nd");
}

static void
test_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdIntentData) data = NULL;

  /* As in SMP2019: an array of objects with nested members to skip. */
  data = parse ("[\n {\"text\": \"你给朴叔打电话\", \"entities\": [{\"type\": \"name\", \"start_idx\": 2}],"
                " \"intent\": \"DIAL\"},\n {\"text\": \"\\u6253\\u5f00uc\", \"intent\": \"LAUNCH\"}\n]",
                NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sd_intent_data_get_size (data), ==, 2);
  g_assert_cmpstr (data->labels->pdata[0], ==, "DIAL");
  g_assert_cmpstr (data->texts->pdata[1], ==, "打开uc");
  g_assert_cmpuint (g_array_index (data->lines, guint, 1), ==, 3);
  g_clear_pointer (&data, sd_intent_data_free);

  /* JSON lines, numeric labels, and an explicit label member. */
  data = parse ("{\"reviewText\": \"great\", \"overall\": 5}\n{\"reviewText\": \"bad\", \"overall\": 1.0}\n",
                "reviewText", "overall", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->labels->pdata[0], ==, "5");
  g_assert_cmpstr (data->labels->pdata[1], ==, "1");   /* 1.0 and 1 are one label */
  g_clear_pointer (&data, sd_intent_data_free);

  data = parse ("[{\"text\": \"a\", \"intent\": \"x\"},\n {\"text\": 3, \"intent\": \"y\"}]", NULL, NULL, &error);
  g_assert_null (data);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "data:2: the member “text” is missing or not a string"));
  g_clear_error (&error);

  data = parse ("[{\"text\": \"a\", \"intent\": \"x\"},\n 7]", NULL, NULL, &error);
  g_assert_null (data);
  g_assert_nonnull (strstr (error->message, "data:2: expected an object"));
  g_clear_error (&error);

  data = parse ("[{\"text\": \"a\", \"intent\": \"x\"", NULL, NULL, &error);
  g_assert_null (data);
  g_assert_nonnull (strstr (error->message, "data:1:"));
}

static void
test_split (void)
{
  g_autoptr(SdIntentData) data = sd_intent_data_new ();
  g_autoptr(SdIntentData) kept = NULL;
  g_autoptr(SdIntentData) held = NULL;
  g_autoptr(SdIntentData) kept2 = NULL;
  g_autoptr(SdIntentData) held2 = NULL;
  g_autoptr(GPtrArray) names = NULL;
  guint held_a = 0;

  for (int i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("example %d", i);
      sd_intent_data_add (data, text, i % 4 == 0 ? "rare" : "common");
    }
  sd_intent_data_add (data, "only one", "single");

  sd_intent_data_split (data, 0.2, 42, &kept, &held);
  g_assert_cmpuint (sd_intent_data_get_size (kept) + sd_intent_data_get_size (held), ==, 101);
  /* Stratified: 20 % of each label, and a label with one example stays in training. */
  for (guint i = 0; i < held->labels->len; i++)
    held_a += strcmp (held->labels->pdata[i], "rare") == 0;
  g_assert_cmpuint (held_a, ==, 5);
  g_assert_cmpuint (sd_intent_data_get_size (held), ==, 20);
  g_assert_true (g_ptr_array_find_with_equal_func (kept->labels, "single", g_str_equal, NULL));

  /* The same seed gives the same split. */
  sd_intent_data_split (data, 0.2, 42, &kept2, &held2);
  for (guint i = 0; i < held->texts->len; i++)
    g_assert_cmpstr (held->texts->pdata[i], ==, held2->texts->pdata[i]);

  names = sd_intent_data_get_label_names (data);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (names->pdata[0], ==, "rare");
}

/* Grouped examples stay together: a group is held out whole or kept whole, and about the
 * fraction of each label's groups is held out. */
static void
test_split_groups (void)
{
  g_autoptr(SdIntentData) data = sd_intent_data_new ();
  g_autoptr(SdIntentData) kept = NULL;
  g_autoptr(SdIntentData) held = NULL;
  g_autoptr(GHashTable) side = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint held_groups = 0;

  for (int i = 0; i < 200; i++)
    {
      g_autofree char *text = g_strdup_printf ("example %d", i);
      g_autofree char *group = g_strdup_printf ("g%d", i % 40);
      sd_intent_data_add_grouped (data, text, i % 2 ? "odd" : "even", group);
    }
  sd_intent_data_add_grouped (data, "no group", "even", NULL);
  sd_intent_data_split (data, 0.2, 7, &kept, &held);
  g_assert_cmpuint (sd_intent_data_get_size (kept) + sd_intent_data_get_size (held), ==, 201);
  for (guint pass = 0; pass < 2; pass++)
    {
      SdIntentData *part = pass ? held : kept;
      for (guint i = 0; i < part->texts->len; i++)
        {
          const char *group = part->groups->pdata[i];
          if (group == NULL)
            {
              held_groups += pass;   /* a group of its own */
              continue;
            }
          gpointer was = g_hash_table_lookup (side, group);
          if (was == NULL)
            {
              g_hash_table_insert (side, g_strdup (group), GUINT_TO_POINTER (pass + 1));
              held_groups += pass;
            }
          else
            g_assert_cmpuint (GPOINTER_TO_UINT (was), ==, pass + 1);
        }
    }
  /* 20 groups of "odd", 21 of "even" (the lone example is one): a fifth of each, rounded */
  g_assert_cmpuint (held_groups, ==, 8);
  g_assert_cmpuint (sd_intent_data_get_size (held), >=, 35);
}

/* Every intent of the built-in corpus has a title of its own for the pages; a shop's own
 * intent keeps its identifier. */
static void
test_titles (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) examples = sd_chat_corpus_builtin_examples (NULL, &error);
  g_autoptr(GHashTable) intents = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer intent;

  g_assert_no_error (error);
  for (guint i = 0; i < examples->len; i++)
    g_hash_table_add (intents, ((SdChatExample *) g_ptr_array_index (examples, i))->intent);
  g_assert_cmpuint (g_hash_table_size (intents), >=, 20);
  g_hash_table_iter_init (&iter, intents);
  while (g_hash_table_iter_next (&iter, &intent, NULL))
    {
      const char *title = sd_intent_title (intent);

      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, intent);
      g_assert_false (g_hash_table_contains (titles, title));
      g_hash_table_add (titles, (gpointer) title);
    }
  g_assert_cmpstr (sd_intent_title ("gift_wrapping"), ==, "gift_wrapping");
  g_assert_null (sd_intent_title (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/intent-data/csv", test_csv);
  g_test_add_func ("/intent-data/csv-errors", test_csv_errors);
  g_test_add_func ("/intent-data/csv-binary", test_csv_binary);
  g_test_add_func ("/intent-data/json", test_json);
  g_test_add_func ("/intent-data/split", test_split);
  g_test_add_func ("/intent-data/split-groups", test_split_groups);
  g_test_add_func ("/intent-data/titles", test_titles);
  return g_test_run ();
}
