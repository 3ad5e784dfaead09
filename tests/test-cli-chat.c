/* test-cli-chat.c — `shopdesk-cli chat-eval` and `chat-train` as scripts use them */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-intent-model.h"
#include "sd-json.h"
#include "sd-store.h"
#include "cli-run.h"
#include "temp-folder.h"

typedef struct {
  char *dir;
  char *db;
  char *train;
  char *test;
} Fixture;

/* A small task with an out-of-scope label: keywords decide the intent. */
static void
write_task (const char *path,
            guint       n,
            guint32     seed,
            gboolean    json)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GString) out = g_string_new (json ? "[\n" : "id,category,text\n");
  static const char *intents[] = { "refund", "shipping", "greeting", "oos" };
  static const char *keys[][3] = {
    { "refund", "money back", "退款" },
    { "shipping", "delivery", "快递" },
    { "hello", "hi there", "你好" },
    { NULL, NULL, NULL },
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      guint k = g_rand_int_range (rand, 0, 4);
      g_autofree char *text = NULL;
      if (keys[k][0])
        text = g_strdup_printf ("please %s word%d, thanks", keys[k][g_rand_int_range (rand, 0, 3)],
                                g_rand_int_range (rand, 0, 40));
      else
        text = g_strdup_printf ("word%d word%d zz%d", g_rand_int_range (rand, 0, 40),
                                g_rand_int_range (rand, 0, 40), g_rand_int_range (rand, 0, 40));
      if (json)
        g_string_append_printf (out, "%s  {\"text\": \"%s\", \"category\": \"%s\"}", i ? ",\n" : "",
                                text, intents[k]);
      else
        g_string_append_printf (out, "%u,%s,\"%s\"\n", i, intents[k], text);
    }
  if (json)
    g_string_append (out, "\n]\n");
  g_file_set_contents (path, out->str, out->len, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  f->dir = g_dir_make_tmp ("shopdesk-cli-chat-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->train = g_build_filename (f->dir, "train.csv", NULL);
  f->test = g_build_filename (f->dir, "test.json", NULL);
  write_task (f->train, 400, 1, FALSE);
  write_task (f->test, 200, 2, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  temp_folder_remove (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->train);
  g_free (f->test);
}

#define run_cli(f, out, err, ...) cli_run_full ((f)->db, NULL, (out), (err), __VA_ARGS__)

static void
test_eval_json (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  static const char *keys[] = {
    "accuracy", "macro_f1", "train_seconds", "model_bytes", "peak_rss_bytes", "oos_recall",
  };
  SdJsonNode *confusions;

  g_assert_cmpint (run_cli (f, &out, &err, "chat-eval", "--train", f->train, "--test", f->test,
                            "--text-column", "text", "--label-column", "category",
                            "--oos-label", "oos", "--epochs", "10", "--dim", "16", "--seed", "3",
                            "--json", NULL), ==, 0);
  root = sd_json_parse (out, -1, "chat-eval output", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_json_node_get_node_type (root), ==, SD_JSON_OBJECT);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      SdJsonNode *value = sd_json_node_get_member (root, keys[i]);
      if (sd_json_node_get_node_type (value) != SD_JSON_NUMBER)
        g_error ("“%s” is missing or not a number in %s", keys[i], out);
    }
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "accuracy")), >=, 0.9);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "oos_recall")), >=, 0.8);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "model_bytes")), >, 0);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "n_test")), ==, 200);
  confusions = sd_json_node_get_member (root, "confusions");
  g_assert_cmpint (sd_json_node_get_node_type (confusions), ==, SD_JSON_ARRAY);
  g_assert_cmpuint (sd_json_node_get_length (confusions), <=, 10);
  /* An evaluation needs no shop. */
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));

  /* Without --oos-label there is no out-of-scope figure. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&root, sd_json_node_free);
  g_assert_cmpint (run_cli (f, &out, &err, "chat-eval", "--train", f->train, "--test", f->test,
                            "--epochs", "5", "--json", NULL), ==, 0);
  root = sd_json_parse (out, -1, "chat-eval output", &error);
  g_assert_no_error (error);
  g_assert_null (sd_json_node_get_member (root, "oos_recall"));

  /* The readable report. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, &out, &err, "chat-eval", "--train", f->train, "--test", f->test,
                            "--epochs", "5", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "accuracy"));
  g_assert_nonnull (strstr (out, "macro-F1"));

  /* --valid tunes the out-of-scope threshold there (to 0.6 of its out-of-scope texts, at
   * least) and prints the curve; --holdout tests on a part of --train */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&root, sd_json_node_free);
  g_assert_cmpint (run_cli (f, &out, &err, "chat-eval", "--train", f->train, "--holdout", "0.25",
                            "--valid", f->test, "--text-column", "text", "--label-column", "category",
                            "--oos-label", "oos", "--epochs", "10", "--dim", "16", "--json", NULL), ==, 0);
  root = sd_json_parse (out, -1, "chat-eval output", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "n_test")), ==, 100);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "valid_oos_recall")), >=, 0.6);
  SdJsonNode *curve = sd_json_node_get_member (root, "curve");
  g_assert_cmpuint (sd_json_node_get_length (curve), ==, 21);
  /* a higher threshold rejects more: recall never falls along the curve */
  double last = -1;
  for (guint i = 0; i < 20; i++)
    {
      double r = sd_json_node_get_number (sd_json_node_get_member (sd_json_node_get_element (curve, i), "oos_recall"));
      g_assert_cmpfloat (r, >=, last);
      last = r;
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, &out, &err, "chat-eval", "--train", f->train, "--test", f->test,
                            "--valid", f->test, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--oos-label"));
}

static void
test_train_saves (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *model_path = g_build_filename (f->dir, "model.bin", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(SdIntentModel) model = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  SdIntentPrediction pred;

  g_assert_cmpint (run_cli (f, &out, &err, "chat-train", "--train", f->train, "--out", model_path,
                            "--epochs", "10", "--json", NULL), ==, 0);
  g_assert_true (g_file_get_contents (model_path, &contents, &length, &error));
  blob = g_bytes_new_take (g_steal_pointer (&contents), length);
  model = sd_intent_model_load (blob, &error);
  g_assert_no_error (error);
  sd_intent_model_predict (model, "I want my money back", &pred);
  g_assert_cmpstr (pred.name, ==, "refund");
  sd_intent_model_predict (model, "快递到哪里了", &pred);
  g_assert_cmpstr (pred.name, ==, "shipping");

  /* Without --out the model goes into the shop, which must be there: a mistyped --db
   * makes no new shop. */
  g_assert_cmpint (run_cli (f, &out2, &err2, "chat-train", "--train", f->train, "--epochs", "5",
                            "--json", NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "No such shop"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out2, g_free);
  g_clear_pointer (&err2, g_free);
  {
    g_autoptr(SdStore) store = sd_store_open (f->db, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (run_cli (f, &out2, &err2, "chat-train", "--train", f->train, "--epochs", "5",
                            "--json", NULL), ==, 0);
  root = sd_json_parse (out2, -1, "chat-train output", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "model_id")), >=, 1);
  g_assert_true (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_usage_and_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);

  g_assert_cmpint (run_cli (f, &out, &err, "chat-eval", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--label-column"));
  g_assert_nonnull (strstr (out, "--oos-label"));
  g_assert_cmpint (run_cli (f, &out2, &err2, "chat-eval", "--train", f->train, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "--test"));
  g_assert_cmpint (run_cli (f, &out3, &err3, "chat-train", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out3, "--out"));
  g_assert_null (strstr (out3, "--test"));

  /* A broken file names itself, the line and the reason. */
  g_file_set_contents (bad, "text,category\nfine,a\n\"never closed,b\n", -1, NULL);
  g_assert_cmpint (run_cli (f, &out4, &err4, "chat-eval", "--train", bad, "--test", f->test, NULL), ==, 1);
  g_assert_nonnull (strstr (err4, "bad.csv:3:"));
  g_assert_nonnull (strstr (err4, "not closed"));
}

/* A NUL byte inside a message used to cut the line short and join what followed it to
 * the next message; now each line is one message, the NUL shown as U+FFFD. */
static void
test_chat_nul_byte (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *cli = g_getenv ("SD_CLI");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) input = NULL, stdout_bytes = NULL, stderr_bytes = NULL;
  static const char messages[] = "where is my order\0 please\nhello\n\xff\xfe what are your opening hours\n";
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (run_cli (f, &out, &err, "demo", NULL), ==, 0);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                           G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           cli, "--db", f->db, "chat", "--json", NULL);
  g_assert_no_error (error);
  input = g_bytes_new_static (messages, sizeof messages - 1);
  g_assert_true (g_subprocess_communicate (proc, input, NULL, &stdout_bytes, &stderr_bytes, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  text = g_strndup (g_bytes_get_data (stdout_bytes, NULL), g_bytes_get_size (stdout_bytes));
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  {
    const char *texts[] = { "where is my order\xef\xbf\xbd please", "hello",
                            "\xef\xbf\xbd\xef\xbf\xbd what are your opening hours" };
    const char *intents[] = { "order_status", "greeting", "opening_hours" };

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(SdJsonNode) trace = sd_json_parse (lines[i], -1, "chat --json", &error);

        g_assert_no_error (error);
        g_assert_cmpstr (sd_json_node_get_member_string (trace, "text"), ==, texts[i]);
        g_assert_cmpstr (sd_json_node_get_member_string (trace, "intent"), ==, intents[i]);
        g_assert_cmpstr (sd_json_node_get_member_string (trace, "action"), !=, "unsafe");
      }
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli-chat/eval-json", Fixture, NULL, fixture_set_up, test_eval_json, fixture_tear_down);
  g_test_add ("/cli-chat/train-saves", Fixture, NULL, fixture_set_up, test_train_saves, fixture_tear_down);
  g_test_add ("/cli-chat/chat-nul-byte", Fixture, NULL, fixture_set_up, test_chat_nul_byte, fixture_tear_down);
  g_test_add ("/cli-chat/usage-and-errors", Fixture, NULL, fixture_set_up, test_usage_and_errors, fixture_tear_down);
  return g_test_run ();
}
