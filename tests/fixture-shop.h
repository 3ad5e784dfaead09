/* fixture-shop.h — a shop small enough to count by hand, for the query tests
 *
 * The four generic fixture CSVs (tests/fixtures/customers, products, orders, events)
 * through the importer, then a few rows the CSVs do not have, so every rule of the queries
 * is exercised:
 *
 *   customers  c1 Ann Lee (DE, vip, 2023-01-05), c2 Bob Ray (US, no segment),
 *              c3 (made by its order: no name), c4 Cy (no orders, no events)
 *   products   p1 Linen Shirt (Shirts; zh_CN 亚麻衬衫), p2 Canvas Tote (Bags),
 *              p3 Wool Scarf (Shirts), p4 (no category)
 *   orders     o1 c1 paid 2023-03-01 10:00 (p1×2 at 39.90, p2 at 15.00)
 *              o2 c3 shipped 2023-03-02 12:00 (p1 at 39.90)
 *              o3 c1 cancelled 2023-04-01 (p3, total 500.00)
 *              o4 c1 refunded 2023-04-02 (p3, total 70.00)
 *              o5 c2 delivered 2023-04-03 (p4, total 12.34)
 *   events     the importer makes a purchase event of each order line of the CSV:
 *              c1 purchase p1 ×2 and p2 at 1677664800 (o1), c3 purchase p1 at 1677758400 (o2);
 *              then c1 view p1 1677664800, c1 cart p1 1677664900,
 *              c2 review p2 ★4 "Sturdy, roomy." 2023-03-05 09:00 from the CSV, and
 *              c1 view p3 1680000000, c1 purchase p4 ×3 1680000100,
 *              c2 view p3 1680000200, c2 review p1 (no rating, no text) 1680000300
 *   models     recommender "itemknn" twice, "ease" once, intent "intent-linear"
 */
#pragma once

#include <glib/gstdio.h>

#include "sd-import.h"
#include "sd-store.h"
#include "temp-folder.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
} FixtureShop;

static inline gint64
fixture_shop_int (SdStore    *store,
                  const char *sql)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static inline void
fixture_shop_open (FixtureShop *shop)
{
  static const struct { const char *file; SdImportFormat format; } files[] = {
    { "customers.csv", SD_IMPORT_CUSTOMERS },
    { "products.csv", SD_IMPORT_PRODUCTS },
    { "orders.csv", SD_IMPORT_ORDERS },
    { "events.csv", SD_IMPORT_EVENTS },
  };
  const char *fixtures = g_getenv ("SD_FIXTURES_DIR");
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (fixtures);
  shop->dir = g_dir_make_tmp ("sd-queries-XXXXXX", &error);
  g_assert_no_error (error);
  shop->path = g_build_filename (shop->dir, "shop.sqlite", NULL);
  shop->store = sd_store_open (shop->path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (fixtures, files[i].file, NULL);
      SdImportOptions options = { files[i].format, FALSE };
      g_autoptr(SdImportReport) report = sd_import_file (shop->store, path, &options, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (report);
    }

  g_assert_true (sd_store_exec (shop->store,
      "INSERT INTO customers (external_id, name) VALUES ('c4', 'Cy');"
      "INSERT INTO products (external_id, title, category, price_cents) VALUES"
      " ('p3', 'Wool Scarf', 'Shirts', 2500), ('p4', 'Gift Card', NULL, 1000);"
      "INSERT INTO product_texts (product_id, lang, title)"
      " SELECT id, 'zh_CN', '亚麻衬衫' FROM products WHERE external_id = 'p1';"
      "INSERT INTO orders (external_id, customer_id, placed_at, status, total_cents)"
      " SELECT 'o3', id, 1680307200, 'cancelled', 50000 FROM customers WHERE external_id = 'c1'"
      " UNION ALL SELECT 'o4', id, 1680393600, 'refunded', 7000 FROM customers WHERE external_id = 'c1'"
      " UNION ALL SELECT 'o5', id, 1680480000, 'delivered', 1234 FROM customers WHERE external_id = 'c2';"
      "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)"
      " SELECT o.id, 1, p.id, 1, 2500 FROM orders o, products p WHERE o.external_id IN ('o3', 'o4')"
      "  AND p.external_id = 'p3'"
      " UNION ALL SELECT o.id, 1, p.id, 1, 1234 FROM orders o, products p WHERE o.external_id = 'o5'"
      "  AND p.external_id = 'p4';"
      "INSERT INTO events (customer_id, product_id, kind, at, quantity, rating, review_text)"
      " SELECT c.id, p.id, v.kind, v.at, v.quantity, NULL, NULL"
      " FROM (SELECT 'c1' AS c, 'p3' AS p, 0 AS kind, 1680000000 AS at, 1 AS quantity"
      "       UNION ALL SELECT 'c1', 'p4', 2, 1680000100, 3"
      "       UNION ALL SELECT 'c2', 'p3', 0, 1680000200, 1"
      "       UNION ALL SELECT 'c2', 'p1', 3, 1680000300, 1) v"
      " JOIN customers c ON c.external_id = v.c JOIN products p ON p.external_id = v.p;"
      "INSERT INTO models (kind, name, created_at) VALUES ('recommender', 'itemknn', 1),"
      " ('recommender', 'ease', 2), ('recommender', 'itemknn', 3), ('intent', 'intent-linear', 4);",
      &error));
  g_assert_no_error (error);
}

/* customers.id or products.id of an external id. */
static inline gint64
fixture_shop_id (FixtureShop *shop,
                 const char  *table,
                 const char  *external_id)
{
  g_autoptr(SdStmt) stmt = NULL;

  if (g_str_equal (table, "customers"))
    stmt = sd_store_prepare (shop->store, "SELECT id FROM customers WHERE external_id = ?1", NULL);
  else
    stmt = sd_store_prepare (shop->store, "SELECT id FROM products WHERE external_id = ?1", NULL);
  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, external_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static inline void
fixture_shop_close (FixtureShop *shop)
{
  g_assert_finalize_object (shop->store);
  temp_folder_remove (shop->dir);
  g_free (shop->path);
  g_free (shop->dir);
}
