/* test-coupon-usage.c — coupon codes as the orders used them, and which rule a code is */
#include "config.h"

#include <glib/gstdio.h>

#include "sd-coupon-usage.h"

static void
exec (SdStore    *store,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static gint64
count (SdStore    *store,
       const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (sd_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
test_usage (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sd-coupon-usage-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "shop.sqlite", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL), *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_autoptr(GPtrArray) usage = NULL;
  const SdCouponUsage *spring, *vip;

  g_assert_no_error (error);
  /* Three customers; spring10 on four orders of two customers (one of them cancelled),
   * spring on one, vip on an order without a customer. */
  exec (store, "INSERT INTO customers (id, external_id) VALUES (1, 'a'), (2, 'b'), (3, 'c');"
               "INSERT INTO orders (id, external_id, customer_id, placed_at, status) VALUES"
               " (1, 'o1', 1, 1000, 'paid'), (2, 'o2', 1, 2000, 'delivered'), (3, 'o3', 2, 3000, 'shipped'),"
               " (4, 'o4', 3, 4000, 'cancelled'), (5, 'o5', 3, 5000, 'paid'), (6, 'o6', NULL, 6000, 'paid');"
               "INSERT INTO coupon_uses (order_id, code, discount_cents) VALUES"
               " (1, 'spring10', 400), (2, 'spring10', 250), (3, 'spring10', 100), (4, 'spring10', 999),"
               " (5, 'spring', 50), (6, 'vip', 300);");
  usage = sd_coupon_usage_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (usage->len, ==, count (store, "SELECT count(DISTINCT u.code) FROM coupon_uses u JOIN orders o"
                                                  " ON o.id = u.order_id WHERE o.status <> 'cancelled'"));
  spring = usage->pdata[0];   /* the most used first */
  g_assert_cmpstr (spring->code, ==, "spring10");
  g_assert_cmpint (spring->uses, ==, 3);
  g_assert_cmpint (spring->customers, ==, 2);
  g_assert_cmpint (spring->discount_cents, ==, 750);
  g_assert_cmpint (spring->first_at, ==, 1000);
  g_assert_cmpint (spring->last_at, ==, 3000);

  /* The rule a code is: its name, or the name's first word, case ignored; the longest. */
  g_assert_true (sd_coupon_usage_for_rule (usage, "SPRING10: 10 % off in spring") == spring);
  g_assert_true (sd_coupon_usage_for_rule (usage, "Spring10") == spring);
  g_assert_cmpstr (sd_coupon_usage_for_rule (usage, "spring - 5 off")->code, ==, "spring");
  g_assert_null (sd_coupon_usage_for_rule (usage, "springtime sale"));
  vip = sd_coupon_usage_for_rule (usage, "VIP thank-you");
  g_assert_nonnull (vip);
  g_assert_cmpint (vip->customers, ==, 0);
  g_assert_null (sd_coupon_usage_for_rule (usage, "Welcome"));

  g_clear_object (&store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/coupon-usage/load-and-match", test_usage);
  return g_test_run ();
}
