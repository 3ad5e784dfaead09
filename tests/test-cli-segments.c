/* test-cli-segments.c — `shopdesk-cli segments` on a demo shop: profiles as JSON, an audience
 * saved from a cluster and exported, a coupon rule with in_segment reaching exactly the
 * exported customers, the RFM grid, and bad usage told apart from failure */
#include "config.h"

#include <glib/gstdio.h>
#include <langinfo.h>
#include <locale.h>
#include <string.h>

#include "cli-run.h"
#include "sd-json.h"
#include "temp-folder.h"

static char *dir;
static char *db;

#define run_cli(out, ...) cli_run (db, (out), __VA_ARGS__)

static SdJsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  SdJsonNode *node = sd_json_parse (text, -1, "stdout", &error);
  g_assert_no_error (error);
  return node;
}

static void
test_segments (void)
{
  g_autofree char *out = NULL, *saved = NULL, *csv = NULL, *list = NULL, *preview = NULL, *rfm = NULL;
  g_autofree char *rule = g_build_filename (dir, "rule.json", NULL);
  g_autoptr(SdJsonNode) root = NULL, listed = NULL, reach = NULL, grid = NULL;
  g_auto(GStrv) lines = NULL;
  SdJsonNode *clusters, *groups;
  double share = 0;
  guint exported = 0, in_groups = 0;

  g_assert_cmpint (run_cli (&out, "segments", "--model", "map", "--json", NULL), ==, 0);
  root = parse (out);
  clusters = sd_json_node_get_member (root, "clusters");
  g_assert_cmpuint (sd_json_node_get_length (clusters), ==, (guint) sd_json_node_get_number (sd_json_node_get_member (root, "k")));
  for (guint c = 0; c < sd_json_node_get_length (clusters); c++)
    {
      SdJsonNode *cluster = sd_json_node_get_element (clusters, c);
      g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (cluster, "id")), ==, c);
      g_assert_true (strlen (sd_json_node_get_member_string (cluster, "name")) > 0);
      g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (cluster, "size")), >, 0);
      g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (cluster, "aov_cents")), >, 0);
      g_assert_cmpuint (sd_json_node_get_length (sd_json_node_get_member (cluster, "top_categories")), >, 0);
      g_assert_cmpuint (sd_json_node_get_length (sd_json_node_get_member (cluster, "countries")), >, 0);
      share += sd_json_node_get_number (sd_json_node_get_member (cluster, "revenue_share"));
    }
  g_assert_cmpfloat_with_epsilon (share, 1.0, 1e-3);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (sd_json_node_get_member (root, "map"), "knn_recall_neighbours")), >=,
                     0);

  /* Save cluster 1, export it, and reach it with a coupon rule. */
  g_assert_cmpint (run_cli (&saved, "segments", "save", "--model", "map", "--cluster", "1", "--name", "Cluster one", NULL), ==, 0);
  g_assert_cmpint (run_cli (&csv, "segments", "export", "--segment", "cluster ONE", "--csv", NULL), ==, 0);
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "customer_id");
  for (guint i = 1; lines[i] && *lines[i]; i++)
    exported++;
  g_assert_cmpfloat (exported, ==, sd_json_node_get_number (sd_json_node_get_member (sd_json_node_get_element (clusters, 1), "size")));
  g_assert_cmpint (run_cli (&list, "segments", "list", "--json", NULL), ==, 0);
  listed = parse (list);
  g_assert_cmpuint (sd_json_node_get_length (listed), ==, 1);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (sd_json_node_get_element (listed, 0), "customers")), ==, exported);

  g_assert_true (g_file_set_contents (rule, "{\"name\": \"Cluster one, 10 %\", \"conditions\": {\"type\": \"all\", \"conditions\": "
                                            "[{\"type\": \"in_segment\", \"text\": \"Cluster one\"}]},"
                                            " \"action\": {\"type\": \"percent_off\", \"percent\": 10}}", -1, NULL));
  g_assert_cmpint (run_cli (&preview, "coupons", "preview", "--file", rule, "--json", NULL), ==, 0);
  reach = parse (preview);
  g_test_message ("the rule reaches %g customers; the export has %u", sd_json_node_get_number (sd_json_node_get_member (reach, "customers")), exported);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (reach, "customers")), ==, exported);

  /* RFM: every customer with an order in exactly one group. */
  g_assert_cmpint (run_cli (&rfm, "segments", "rfm", "--json", NULL), ==, 0);
  grid = parse (rfm);
  groups = sd_json_node_get_member (grid, "groups");
  g_assert_cmpuint (sd_json_node_get_length (groups), ==, 11);
  for (guint g = 0; g < sd_json_node_get_length (groups); g++)
    in_groups += (guint) sd_json_node_get_number (sd_json_node_get_member (sd_json_node_get_element (groups, g), "customers"));
  g_assert_cmpfloat (in_groups, ==, sd_json_node_get_number (sd_json_node_get_member (grid, "customers")));
  g_assert_cmpuint (sd_json_node_get_length (sd_json_node_get_member (grid, "cells")), ==, 25);
}

/* Text for people writes money in the shop's currency and the user's marks, grouped
 * ("£12,345.67"; "12.345,67 £" in German), as the Coupons page does; --json keeps cents and
 * '.' decimals. */
static void
test_figures_for_people (void)
{
  g_autofree char *rule = g_build_filename (dir, "big-spenders.json", NULL);
  g_autofree char *added = NULL, *list = NULL, *list_json = NULL, *preview = NULL, *preview_json = NULL;
  g_autofree char *small = g_build_filename (dir, "small-thanks.json", NULL);
  g_autofree char *added_small = NULL, *applied = NULL;
  gboolean comma = strcmp (nl_langinfo (RADIXCHAR), ",") == 0;
  const char *budget = comma ? "12.345,67\u00a0£" : "£12,345.67";
  const char *summary = comma ? "5,00\u00a0£ off — spent >= 1.000.000,00\u00a0£" : "£5.00 off — spent >= £1,000,000.00";
  const char *line;

  g_assert_true (g_file_set_contents (rule, "{\"name\": \"Big spenders\", \"enabled\": true, \"conditions\": "
                                            "{\"type\": \"all\", \"conditions\": [{\"type\": \"lifetime_spend\", \"op\": \">=\", \"value\": 100000000}]},"
                                            " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 500},"
                                            " \"limits\": {\"budget_cents\": 1234567}}", -1, NULL));
  g_assert_cmpint (run_cli (&added, "coupons", "add", "--file", rule, NULL), ==, 0);

  g_assert_cmpint (run_cli (&list, "coupons", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (list, summary));
  g_assert_cmpint (run_cli (&list_json, "coupons", "list", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (list_json, "\"summary\":\"5.00 off — spent >= 1000000.00\""));

  /* Nobody has spent a million: no one reached, nothing spent, the whole budget left. */
  g_assert_cmpint (run_cli (&preview, "coupons", "preview", NULL), ==, 0);
  line = strstr (preview, "Big spenders");
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, comma ? "0,00\u00a0£" : "£0.00"));
  g_assert_nonnull (strstr (line, budget));
  g_assert_cmpint (run_cli (&preview_json, "coupons", "preview", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (preview_json, "\"name\":\"Big spenders\",\"enabled\":true,\"customers\":0,"
                                          "\"estimated_cost_cents\":0,\"budget_left_cents\":1234567"));

  /* What a customer gets, and why, in the same money. */
  g_assert_true (g_file_set_contents (small, "{\"name\": \"Small thanks\", \"enabled\": true, \"conditions\": "
                                             "{\"type\": \"all\", \"conditions\": [{\"type\": \"cart_subtotal\", \"op\": \">=\", \"value\": 100}]},"
                                             " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 100}}", -1, NULL));
  g_assert_cmpint (run_cli (&added_small, "coupons", "add", "--file", small, NULL), ==, 0);
  g_assert_cmpint (run_cli (&applied, "coupons", "apply", "--customer", "CUS-0000001", NULL), ==, 0);
  g_assert_nonnull (strstr (applied, comma ? "Small thanks: 1,00\u00a0£ off\n   because cart >= 1,00\u00a0£"
                                           : "Small thanks: £1.00 off\n   because cart >= £1.00"));
}

static void
test_usage (void)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  g_assert_cmpint (run_cli (&a, "segments", "--k", "1", NULL), ==, 2);
  g_assert_cmpint (run_cli (&b, "segments", "frobnicate", NULL), ==, 2);
  g_assert_cmpint (run_cli (&c, "segments", "export", "--segment", "nobody", "--csv", NULL), ==, 1);
  g_assert_cmpint (run_cli (&d, "segments", "save", "--name", "x", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-segments/segments", test_segments);
  g_test_add_func ("/cli-segments/usage", test_usage);
  g_test_add_func ("/cli-segments/figures-for-people", test_figures_for_people);
  return cli_run_tests_on_demo ("600", &dir, &db);
}
