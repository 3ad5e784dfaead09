/* test-cli-usage.c — `shopdesk-cli`: the same bad parameter is the same exit status (2) in
 * every command; work with nothing to measure fails (1) instead of printing zeros */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include "cli-run.h"
#include "temp-folder.h"

typedef TempShop Fixture;

static int run_cli (const char *db, char **out, char **err, const char * const *args);

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  temp_shop_set_up (f, data);
  g_assert_cmpint (run_cli (f->db, &out, &err, (const char *[]) { "demo", "--size", "200", NULL }), ==, 0);
}

static int
run_cli (const char         *db,
         char              **out,
         char              **err,
         const char * const *args)
{
  return cli_run_argv (&(CliRun) { .db = db }, out, err, args);
}

/* Each bad model or parameter, given to each command that takes it. */
static void
test_bad_parameters (Fixture       *f,
                     gconstpointer  data)
{
  const char *const commands[][4] = {
    { "train", NULL },
    { "recommend", "--customer", "1", NULL },
    { "tune", NULL },
  };
  const char *const bad[][4] = {
    { "--model", "nope", NULL },
    { "--model", "itemknn", "--param", "k=abc" },
    { "--model", "itemknn", "--param", "nokey=1" },
    { "--model", "itemknn", "--param", "k" },
    { "--model", "itemknn", "--param", "k=-3" },
  };
  const char *const similar_bad[][2] = {
    { "--param", "k=abc" },
    { "--param", "nokey=1" },
    { "--param", "k" },
    { "--param", "k=-3" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
      {
        g_autoptr(GPtrArray) args = g_ptr_array_new ();
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;

        for (guint i = 0; commands[c][i]; i++)
          g_ptr_array_add (args, (char *) commands[c][i]);
        for (guint i = 0; i < 4 && bad[b][i]; i++)
          g_ptr_array_add (args, (char *) bad[b][i]);
        g_ptr_array_add (args, NULL);
        g_test_message ("%s %s %s", commands[c][0], bad[b][1], bad[b][3] ? bad[b][3] : "");
        g_assert_cmpint (run_cli (f->db, &out, &err, (const char * const *) args->pdata), ==, 2);
        g_assert_cmpstr (out, ==, "");
        g_assert_true (g_str_has_prefix (err, "shopdesk-cli "));
      }
  for (guint b = 0; b < G_N_ELEMENTS (similar_bad); b++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("similar %s", similar_bad[b][1]);
      g_assert_cmpint (run_cli (f->db, &out, &err, (const char *[]) { "similar", "--product", "1",
                                similar_bad[b][0], similar_bad[b][1], NULL }), ==, 2);
      g_assert_cmpstr (out, ==, "");
    }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (f->db, &out, &err, (const char *[]) { "tune", "--model", "itemknn",
                              "--metric", "nope@10", NULL }), ==, 2);
    g_assert_nonnull (strstr (err, "nope@10"));
  }
}

/* With no rating counted as positive there are no test users: exit 1 and say so, not a
 * table of zeros. */
static void
test_eval_without_test_users (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *base = g_build_filename (f->dir, "u1.base", NULL);
  g_autofree char *test = g_build_filename (f->dir, "u1.test", NULL);
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autoptr(GString) held = g_string_new (NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;

  for (guint u = 1; u <= 30; u++)
    for (guint i = 1; i <= 12; i++)
      g_string_append_printf ((u + i) % 4 ? rows : held, "%u\t%u\t%u\t%u\n", u, (u * 7 + i) % 20 + 1,
                              1 + (u + i) % 5, 880000000 + u * 100 + i);
  g_assert_true (g_file_set_contents (base, rows->str, -1, NULL));
  g_assert_true (g_file_set_contents (test, held->str, -1, NULL));

  /* The same files with the usual threshold are evaluated: the data is fine. */
  g_assert_cmpint (run_cli (NULL, &out2, &err2, (const char *[]) { "eval", "--model", "popularity",
                            "--train", base, "--test", test, "--json", NULL }), ==, 0);
  g_assert_null (strstr (out2, "\"users_evaluated\":0,"));

  g_assert_cmpint (run_cli (NULL, &out, &err, (const char *[]) { "eval", "--model", "popularity",
                            "--train", base, "--test", test, "--positive-min-rating", "99", NULL }), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "nothing to evaluate"));
}

/* A --min-count no feature reaches leaves a model that knows nothing: exit 1. */
static void
test_chat_eval_without_features (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *train = g_build_filename (f->dir, "train.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("id,category,text\n");
  const char *const intents[] = { "refund", "shipping", "greeting" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;

  for (guint i = 0; i < 150; i++)
    g_string_append_printf (csv, "%u,%s,\"please %s word%u\"\n", i, intents[i % 3], intents[i % 3], i % 17);
  g_assert_true (g_file_set_contents (train, csv->str, -1, NULL));

  g_assert_cmpint (run_cli (NULL, &out2, &err2, (const char *[]) { "chat-eval", "--train", train,
                            "--test", train, "--epochs", "3", NULL }), ==, 0);

  g_assert_cmpint (run_cli (NULL, &out, &err, (const char *[]) { "chat-eval", "--train", train,
                            "--test", train, "--min-count", "1e6", NULL }), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "--min-count"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-usage/bad-parameters", Fixture, NULL, fixture_set_up, test_bad_parameters, temp_shop_tear_down);
  g_test_add ("/cli-usage/eval-without-test-users", Fixture, NULL, fixture_set_up,
              test_eval_without_test_users, temp_shop_tear_down);
  g_test_add ("/cli-usage/chat-eval-without-features", Fixture, NULL, fixture_set_up,
              test_chat_eval_without_features, temp_shop_tear_down);

  return g_test_run ();
}
