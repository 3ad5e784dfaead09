/* test-cli-stats.c — `shopdesk-cli stats`: its exact output on the fixture shop, and
 * another application's database refused as the window refuses it */
#include "config.h"

#include <langinfo.h>
#include <locale.h>

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include "cli-run.h"
#include "temp-folder.h"

typedef TempShop Fixture;

#define run_cli(db, out, err, ...) cli_run_full ((db), NULL, (out), (err), __VA_ARGS__)

/* @text padded on the left to @width characters (not bytes: "€" is three). */
static char *
right_aligned (const char *text,
               int         width)
{
  int pad = width - (int) g_utf8_strlen (text, -1);

  return g_strdup_printf ("%*s%s", MAX (pad, 0), "", text);
}

static void
test_fixture_shop (Fixture       *f,
                   gconstpointer  data)
{
  static const char *const fixtures[] = { "customers.csv", "products.csv", "orders.csv", "events.csv" };
  g_autofree char *out = NULL, *err = NULL, *json = NULL, *json_err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("SD_FIXTURES_DIR"), fixtures[i], NULL);
      g_autofree char *o = NULL, *e = NULL;
      g_assert_cmpint (run_cli (f->db, &o, &e, "import", path, NULL), ==, 0);
    }

  /* Revenue 2 × 39.90 + 15.00 + 39.90; a purchase event per order line. */
  g_assert_cmpint (run_cli (f->db, &out, &err, "stats", NULL), ==, 0);
  {
    /* Text for people follows their locale, as the Overview's does: counts grouped, money
     * in the shop's currency placed as the locale places it ("€134.70"; "134,70 €" in
     * German), every figure ending in column 28. */
    gboolean comma = strcmp (nl_langinfo (RADIXCHAR), ",") == 0;
    g_autofree char *revenue = right_aligned (comma ? "134,70\u00a0€" : "€134.70", 16);
    g_autofree char *average = right_aligned (comma ? "67,35\u00a0€" : "€67.35", 15);
    g_autofree char *expected = g_strdup_printf (
                   "Customers                  3\n"
                   "Products                   2\n"
                   "Orders                     2\n"
                   "Order lines                3\n"
                   "Range        2023-03-01 to 2023-03-02\n"
                   "Revenue EUR %s\n"
                   "Orders counted             2\n"
                   "Average order%s\n"
                   "Events: view               1\n"
                   "Events: cart               1\n"
                   "Events: purchase           3\n"
                   "Events: review             1\n",
                   revenue, average);
    g_assert_cmpstr (out, ==, expected);
  }
  g_assert_cmpstr (err, ==, "");

  /* Released with noise, the revenue is still money in the shop's currency. */
  {
    g_autofree char *released = NULL, *released_err = NULL;
    const char *all, *end;

    g_assert_cmpint (run_cli (f->db, &released, &released_err, "stats", "--dp", "1", NULL), ==, 0);
    all = strstr (released, "\nAll ");
    g_assert_nonnull (all);
    end = strchr (all + 1, '\n');
    g_assert_nonnull (end);
    g_assert_nonnull (g_strstr_len (all, end - all, "€"));
  }

  g_assert_cmpint (run_cli (f->db, &json, &json_err, "stats", "--json", NULL), ==, 0);
  g_assert_cmpstr (json, ==,
                   "{\"customers\":3,\"products\":2,\"orders\":2,\"order_lines\":3,\"currency\":\"EUR\","
                   /* All time: the days of the first and the newest order */
                   "\"range\":{\"kind\":\"all\",\"from\":\"2023-03-01\",\"to\":\"2023-03-02\","
                   "\"newest_order\":\"2023-03-02\",\"previous_from\":null,\"previous_to\":null,\"bucket\":\"day\"},"
                   "\"revenue_cents\":13470,\"orders_counted\":2,\"average_order_cents\":6735,"
                   "\"units\":4,\"customers_active\":2,"
                   "\"currencies\":[{\"currency\":\"EUR\",\"revenue_cents\":13470,\"orders_counted\":2,"
                   "\"average_order_cents\":6735,\"units\":4,\"customers_active\":2}],"
                   "\"events\":{\"view\":1,\"cart\":1,\"purchase\":3,\"review\":1},"
                   /* o1 on 1 March (2 shirts and a tote), o2 on the 2nd (a shirt) */
                   "\"series\":[{\"start\":\"2023-03-01\",\"revenue_cents\":9480,\"orders_counted\":1,"
                   "\"days\":1,\"bucket_days\":1},"
                   "{\"start\":\"2023-03-02\",\"revenue_cents\":3990,\"orders_counted\":1,\"days\":1,\"bucket_days\":1}],"
                   /* 3 shirts at 39.90, then 1 tote at 15.00 */
                   "\"top_products\":[{\"external_id\":\"p1\",\"title\":\"Linen Shirt\",\"revenue_cents\":11970,\"units\":3},"
                   "{\"external_id\":\"p2\",\"title\":\"Canvas Tote\",\"revenue_cents\":1500,\"units\":1}]}\n");
}

/* A Chinese user reads the table in Chinese, lined up by the columns a terminal gives a
 * Chinese character (two), and the help and the errors too; --json is for machines and
 * does not change. */
static void
test_chinese (Fixture       *f,
              gconstpointer  data)
{
  static const char *const fixtures[] = { "customers.csv", "products.csv", "orders.csv", "events.csv" };
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autofree char *mo = g_build_filename (localedir, "zh_CN", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *out = NULL, *err = NULL, *json_en = NULL, *json_zh = NULL, *help = NULL, *bad = NULL;
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *o4 = NULL;

  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no compiled zh_CN catalogue in the build");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("SD_FIXTURES_DIR"), fixtures[i], NULL);
      g_autofree char *o = NULL, *e = NULL;
      g_assert_cmpint (run_cli (f->db, &o, &e, "import", path, NULL), ==, 0);
    }
  g_assert_cmpint (run_cli (f->db, &json_en, &e1, "stats", "--json", NULL), ==, 0);

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 is built into glibc. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("SHOPDESK_LOCALEDIR", localedir, TRUE);
  g_assert_cmpint (run_cli (f->db, &out, &err, "stats", NULL), ==, 0);
  g_assert_cmpint (run_cli (f->db, &json_zh, &e2, "stats", "--json", NULL), ==, 0);
  g_assert_cmpint (run_cli (f->db, &help, &e3, "stats", "--help", NULL), ==, 0);
  g_assert_cmpint (run_cli (f->db, &o4, &bad, "stats", "--range", "someday", NULL), ==, 2);
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("LC_ALL");
  g_unsetenv ("SHOPDESK_LOCALEDIR");

  /* Every figure still ends in column 28. */
  g_assert_cmpstr (out, ==,
                   "客户                       3\n"
                   "商品                       2\n"
                   "订单                       2\n"
                   "订单明细                   3\n"
                   "时间范围     2023-03-01 至 2023-03-02\n"
                   "营收 EUR             €134.70\n"
                   "计入的订单                 2\n"
                   "平均订单额            €67.35\n"
                   "事件：浏览                 1\n"
                   "事件：加购                 1\n"
                   "事件：购买                 3\n"
                   "事件：评价                 1\n");
  g_assert_cmpstr (json_zh, ==, json_en);
  g_assert_nonnull (strstr (help, "统计从这一天起的订单（YYYY-MM-DD，UTC）"));
  g_assert_nonnull (strstr (help, "— 统计客户、商品、订单和事件"));
  g_assert_nonnull (strstr (bad, "shopdesk-cli stats：未知范围“someday”"));
}

/* --from and --to: the days counted, both included, compared with as many days before;
 * dates that cannot be used are bad usage, told before the shop is read. */
static void
test_range (Fixture       *f,
            gconstpointer  data)
{
  static const char *const fixtures[] = { "customers.csv", "products.csv", "orders.csv" };
  g_autofree char *json = NULL, *err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("SD_FIXTURES_DIR"), fixtures[i], NULL);
      g_autofree char *o = NULL, *e = NULL;
      g_assert_cmpint (run_cli (f->db, &o, &e, "import", path, NULL), ==, 0);
    }

  /* 2 March alone: o2's shirt, against 1 March's o1 */
  g_assert_cmpint (run_cli (f->db, &json, &err, "stats", "--json", "--from", "2023-03-02", "--to", "2023-03-02", NULL), ==, 0);
  g_assert_nonnull (strstr (json, "\"range\":{\"kind\":\"custom\",\"from\":\"2023-03-02\",\"to\":\"2023-03-02\","
                                  "\"newest_order\":\"2023-03-02\",\"previous_from\":\"2023-03-01\",\"previous_to\":\"2023-03-01\""));
  g_assert_nonnull (strstr (json, "\"revenue_cents\":3990,\"orders_counted\":1,\"average_order_cents\":3990,\"units\":1,"
                                  "\"customers_active\":1,\"previous\":{\"revenue_cents\":9480,\"orders_counted\":1,"));
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&err, g_free);

  /* The last 30 days up to the newest order, 2 March: both orders */
  g_assert_cmpint (run_cli (f->db, &json, &err, "stats", "--json", "--range", "last-30-days", NULL), ==, 0);
  g_assert_nonnull (strstr (json, "\"kind\":\"last-30-days\",\"from\":\"2023-02-01\",\"to\":\"2023-03-02\""));
  g_assert_nonnull (strstr (json, "\"revenue_cents\":13470,\"orders_counted\":2"));
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&err, g_free);

  /* 92 days in weeks: the first week (from Monday 28 Nov) counts Thursday 1 Dec to Sunday,
   * the last Monday 27 Feb to Thursday 2 March: 4 of 7 days each, which the Overview draws
   * lighter; the weeks between count whole. */
  g_assert_cmpint (run_cli (f->db, &json, &err, "stats", "--json", "--from", "2022-12-01", "--to", "2023-03-02", NULL), ==, 0);
  g_assert_nonnull (strstr (json, "\"bucket\":\"week\""));
  g_assert_nonnull (strstr (json, "\"series\":[{\"start\":\"2022-11-28\",\"revenue_cents\":0,\"orders_counted\":0,"
                                  "\"days\":4,\"bucket_days\":7},{\"start\":\"2022-12-05\",\"revenue_cents\":0,"
                                  "\"orders_counted\":0,\"days\":7,\"bucket_days\":7}"));
  g_assert_nonnull (strstr (json, "{\"start\":\"2023-02-27\",\"revenue_cents\":13470,\"orders_counted\":2,"
                                  "\"days\":4,\"bucket_days\":7}]"));
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (f->db, &json, &err, "stats", "--from", "2023-02-30", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--from “2023-02-30” is not a date"));
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f->db, &json, &err, "stats", "--from", "2023-03-05", "--to", "2023-03-01", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "before --from"));
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f->db, &json, &err, "stats", "--range", "last-week", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "unknown range"));
}

/* A mistyped --db names no shop: stats says so and creates nothing (only import and demo
 * make a shop). */
static void
test_new_shop (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_cli (f->db, &out, &err, "stats", "--json", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "No such shop"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_foreign_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other-app.sqlite", NULL);
  g_autofree char *text = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len, after_len;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE bookmarks (url TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_true (g_file_get_contents (other, &before, &before_len, NULL));

  g_assert_cmpint (run_cli (other, &out, &err, "stats", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "another application"));
  g_assert_true (g_file_get_contents (other, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  g_assert_true (g_file_set_contents (text, "not a database at all, just some words\n", -1, NULL));
  g_assert_cmpint (run_cli (text, &out2, &err2, "stats", NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "not an SQLite database"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SD_CLI") == NULL || !g_file_test (g_getenv ("SD_CLI"), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_message ("SD_CLI does not name shopdesk-cli");
      return 77;
    }

  g_test_add ("/cli-stats/fixture-shop", Fixture, NULL, temp_shop_set_up, test_fixture_shop, temp_shop_tear_down);
  g_test_add ("/cli-stats/chinese", Fixture, NULL, temp_shop_set_up, test_chinese, temp_shop_tear_down);
  g_test_add ("/cli-stats/range", Fixture, NULL, temp_shop_set_up, test_range, temp_shop_tear_down);
  g_test_add ("/cli-stats/new-shop", Fixture, NULL, temp_shop_set_up, test_new_shop, temp_shop_tear_down);
  g_test_add ("/cli-stats/foreign-files", Fixture, NULL, temp_shop_set_up, test_foreign_files, temp_shop_tear_down);

  return g_test_run ();
}
