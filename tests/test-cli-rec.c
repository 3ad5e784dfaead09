/* test-cli-rec.c — the commands scripts rely on: `shopdesk-cli eval … --json` on the
 * MovieLens u1 files (one JSON object with the agreed keys), `train`, `recommend --json`
 * and `similar` on a demo shop, and refusals with a message and the usage exit status */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cli-run.h"
#include "sd-json.h"

static char *
run (const char * const *args,
     int                *status,
     char              **err)
{
  char *out = NULL;

  *status = cli_run_argv (NULL, &out, err, args);
  return out;
}

/* A number member of the JSON object the CLI printed (which must be JSON). */
static double
number (const char *json,
        const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) root = sd_json_parse (json, -1, "cli --json", &error);
  SdJsonNode *member;

  g_assert_no_error (error);
  member = sd_json_node_get_member (root, key);
  g_assert_nonnull (member);
  g_assert_cmpint (sd_json_node_get_node_type (member), ==, SD_JSON_NUMBER);
  return sd_json_node_get_number (member);
}

static void
test_eval_movielens (void)
{
  const char *datasets = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *base = g_build_filename (datasets ? datasets : "../shared/datasets", "movielens-100k", "u1.base", NULL);
  g_autofree char *test = g_build_filename (datasets ? datasets : "../shared/datasets", "movielens-100k", "u1.test", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *keys[] = { "ndcg@10", "recall@20", "precision@10", "hit@10", "map@10", "coverage",
                         "novelty", "users_evaluated", "train_seconds" };
  int status;

  if (!g_file_test (base, G_FILE_TEST_EXISTS) || !g_file_test (test, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("MovieLens-100k u1.base/u1.test not found; skipping");
      return;
    }
  out = run ((const char *[]) { "eval", "--model", "itemknn", "--param", "k=200", "--train", base,
                                "--test", test, "--format", "movielens", "--positive-min-rating", "4",
                                "--json", NULL }, &status, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "{"));
  g_assert_cmpuint (strlen (out), >, 2);
  g_assert_cmpint (out[strlen (out) - 2], ==, '}');
  g_assert_true (strchr (out, '\n') == out + strlen (out) - 1);   /* one line */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    number (out, keys[i]);
  g_assert_cmpfloat (number (out, "users_evaluated"), ==, 456);
  g_assert_cmpfloat (number (out, "ndcg@10"), >, 0.35);

  g_free (out);
  g_free (err);
  out = run ((const char *[]) { "eval", "--model", "itemknn", "--param", "k=0", "--train", base,
                                "--test", test, "--json", NULL }, &status, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "k must be between 1 and 5000, got 0"));
}

static void
test_shop_commands (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-cli-rec-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "shop.sqlite", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  out = run ((const char *[]) { "--db", db, "demo", "--size", "400", NULL }, &status, &err);
  g_assert_cmpint (status, ==, 0);
  g_free (out);
  g_free (err);

  out = run ((const char *[]) { "--db", db, "train", "--model", "itemknn", "--validate", "--json", NULL }, &status, &err);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(SdJsonNode) root = sd_json_parse (out, -1, "train --json", NULL);
    SdJsonNode *points = sd_json_node_get_member (root, "points");
    gboolean has_ndcg = FALSE;

    g_assert_nonnull (points);
    for (guint i = 0; i < sd_json_node_get_length (points); i++)
      has_ndcg |= g_strcmp0 (sd_json_node_get_member_string (sd_json_node_get_element (points, i), "name"), "ndcg@10") == 0;
    g_assert_true (has_ndcg);
  }
  g_assert_cmpfloat (number (out, "model_id"), >, 0);
  g_free (out);
  g_free (err);

  out = run ((const char *[]) { "--db", db, "recommend", "--customer", "CUS-0000001", "--model", "itemknn",
                                "-n", "5", "--json", NULL }, &status, &err);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(SdJsonNode) root = sd_json_parse (out, -1, "recommend --json", NULL);
    SdJsonNode *items = sd_json_node_get_member (root, "items");

    g_assert_nonnull (sd_json_node_get_member_string (root, "source"));
    g_assert_cmpuint (sd_json_node_get_length (items), ==, 5);
    g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (sd_json_node_get_element (items, 4), "rank")), ==, 5);
    g_assert_cmpuint (sd_json_node_get_length (sd_json_node_get_member (sd_json_node_get_element (items, 0), "reasons")), >, 0);
    /* The reasons for people say a share; the model's own figures stay for machines, one
     * object per reason: item kNN's similarity and its share of what speaks for the item. */
    {
      SdJsonNode *first = sd_json_node_get_element (items, 0);
      SdJsonNode *explanations = sd_json_node_get_member (first, "explanations");
      SdJsonNode *top = sd_json_node_get_element (explanations, 0);
      const char *reason = sd_json_node_get_string (sd_json_node_get_element (sd_json_node_get_member (first, "reasons"), 0));

      g_assert_cmpuint (sd_json_node_get_length (explanations), ==,
                        sd_json_node_get_length (sd_json_node_get_member (first, "reasons")));
      g_assert_cmpstr (sd_json_node_get_member_string (top, "kind"), ==, "similar_item");
      g_assert_nonnull (sd_json_node_get_member_string (top, "external_id"));
      g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (top, "weight")), >, 0);
      g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (top, "share")), >, 0);
      g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (top, "share")), <=, 1);
      g_assert_nonnull (strstr (reason, "ly because they bought "));
      g_assert_null (strstr (reason, "%"));
      g_assert_null (strstr (reason, "similarity"));
    }
  }
  g_free (out);
  g_free (err);

  out = run ((const char *[]) { "--db", db, "recommend", "--customer", "nobody", NULL }, &status, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "no customer “nobody”"));
  g_free (out);
  g_free (err);

  out = run ((const char *[]) { "--db", db, "similar", "--product", "1", "-n", "3", "--csv", NULL }, &status, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "rank,product_id,external_id,title,category,similarity\n1,"));
  g_free (out);
  g_free (err);

  out = run ((const char *[]) { "--db", db, "eval", "--model", "ease", "--segment-by", "taste-group", "--json", NULL },
             &status, &err);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(SdJsonNode) root = sd_json_parse (out, -1, "eval --json", NULL);
    g_assert_nonnull (root);
    g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (sd_json_node_get_member (root, "segments"), "group 0")),
                     ==, SD_JSON_OBJECT);
  }
  g_free (out);
  g_free (err);

  out = run ((const char *[]) { "--db", db, "tune", "--model", "ease", "--grid", "lambda=100,1000", "--json", NULL },
             &status, &err);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(SdJsonNode) root = sd_json_parse (out, -1, "tune --json", NULL);
    g_assert_nonnull (root);
    g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (sd_json_node_get_member (root, "best"), "lambda")),
                     ==, SD_JSON_NUMBER);
  }

  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *p = g_strconcat (db, suffixes[i], NULL);
        g_remove (p);
      }
    g_rmdir (dir);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!g_getenv ("SD_CLI"))
    g_setenv ("SD_CLI", "build/src/cli/shopdesk-cli", TRUE);
  g_test_add_func ("/cli/eval-movielens", test_eval_movielens);
  g_test_add_func ("/cli/shop-commands", test_shop_commands);
  return g_test_run ();
}
