/* test-cli-metrics.c — `eval`, `tune` and `similar` on a demo shop write their figures for
 * people in the text output (shares as percentages, fractions rounded, the user's decimal
 * mark, labelled columns) and for machines in --json (C-locale numbers, unchanged). Run as
 * is and under de_DE.UTF-8 (the locale suite), where the text says "7,9 %" and "0,159". */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "cli-run.h"
#include "sd-json.h"
#include "sd-number-format.h"
#include "temp-folder.h"

static char *dir;
static char *db;

#define run_cli(out, ...) cli_run (db, (out), __VA_ARGS__)

/* A number member of @json (which must parse: a comma decimal would not). */
static double
json_number (const char *json,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) root = sd_json_parse (json, -1, "--json", &error);
  g_auto(GStrv) keys = g_strsplit (path, "/", -1);
  SdJsonNode *node;

  g_assert_no_error (error);
  node = root;
  for (guint i = 0; keys[i]; i++)
    {
      if (g_ascii_isdigit (keys[i][0]))
        node = sd_json_node_get_element (node, (guint) g_ascii_strtoull (keys[i], NULL, 10));
      else
        node = sd_json_node_get_member (node, keys[i]);
      g_assert_nonnull (node);
    }
  g_assert_cmpint (sd_json_node_get_node_type (node), ==, SD_JSON_NUMBER);
  return sd_json_node_get_number (node);
}

/* The line of @text that starts with @prefix (after spaces). */
static char *
line_starting (const char *text,
               const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (g_strchug (lines[i]), prefix))
      return g_strdup (lines[i]);
  g_error ("no line starts with “%s” in:\n%s", prefix, text);
}

static void
test_eval (void)
{
  g_autofree char *text = NULL, *json = NULL, *row = NULL;
  g_autofree char *precision = NULL, *ndcg = NULL, *hit = NULL, *raw = NULL;

  g_assert_cmpint (run_cli (&text, "eval", "--model", "itemknn", NULL), ==, 0);
  g_assert_cmpint (run_cli (&json, "eval", "--model", "itemknn", "--json", NULL), ==, 0);
  g_test_message ("%s", text);

  /* Labelled columns; shares as percentages, NDCG rounded, in the user's marks. */
  g_assert_nonnull (strstr (text, "precision"));
  g_assert_nonnull (strstr (text, "hit rate"));
  g_assert_nonnull (strstr (text, "NDCG"));
  row = line_starting (text, "all");
  precision = sd_format_percent (json_number (json, "precision@10"), 1);
  hit = sd_format_percent (json_number (json, "hit@10"), 1);
  ndcg = sd_format_decimal (json_number (json, "ndcg@10"), 3);
  g_assert_nonnull (strstr (row, precision));
  g_assert_nonnull (strstr (row, hit));
  g_assert_nonnull (strstr (row, ndcg));
  /* Not the raw four-place figure any more. */
  raw = g_strdup_printf ("%.4f", json_number (json, "precision@10"));
  g_assert_null (strstr (text, raw));
  {
    g_autofree char *customers = sd_format_count ((gint64) json_number (json, "users_evaluated"));
    g_autofree char *said = g_strdup_printf ("%s customers evaluated", customers);
    g_assert_nonnull (strstr (text, said));
  }
}

static void
test_tune (void)
{
  g_autofree char *text = NULL, *json = NULL, *best = NULL, *value = NULL, *said = NULL;

  g_assert_cmpint (run_cli (&text, "tune", "--model", "ease", "--grid", "lambda=100,1000", NULL), ==, 0);
  g_assert_cmpint (run_cli (&json, "tune", "--model", "ease", "--grid", "lambda=100,1000", "--json", NULL), ==, 0);
  g_test_message ("%s", text);

  value = sd_format_decimal (json_number (json, "best_value"), 3);
  /* The hyperparameters as --param takes them (machine figures); the metric for people. */
  said = g_strdup_printf ("Best: lambda=%.0f (NDCG@10 %s)", json_number (json, "best/lambda"), value);
  g_assert_nonnull (strstr (text, said));
  best = line_starting (text, "* ");
  g_assert_nonnull (strstr (best, value));
  g_assert_nonnull (strstr (text, "higher is better"));
}

static void
test_similar (void)
{
  g_autofree char *text = NULL, *json = NULL, *first = NULL, *share = NULL, *alike = NULL;

  g_assert_cmpint (run_cli (&text, "similar", "--product", "1", "-n", "3", NULL), ==, 0);
  g_assert_cmpint (run_cli (&json, "similar", "--product", "1", "-n", "3", "--json", NULL), ==, 0);
  g_test_message ("%s", text);

  /* "32 % alike", as the product window says it, where it said "0.322". */
  share = sd_format_share (json_number (json, "items/0/similarity"));
  alike = g_strdup_printf ("%s alike", share);
  first = line_starting (text, "1. ");
  g_assert_nonnull (strstr (first, alike));
}

int
main (int    argc,
      char **argv)
{
  /* The test writes figures as the CLI does: in the environment's locale. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-metrics/eval", test_eval);
  g_test_add_func ("/cli-metrics/tune", test_tune);
  g_test_add_func ("/cli-metrics/similar", test_similar);
  return cli_run_tests_on_demo ("400", &dir, &db);
}
