/* test-product-query.c — the shop's product categories on the fixture shop: each once,
 * sorted, none for products without one, the cap; and on an empty shop */
#include "config.h"

#include "fixture-shop.h"
#include "sd-product-query.h"

static void
test_categories (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) categories = NULL;

  fixture_shop_open (&shop);
  g_assert_true (sd_store_exec (shop.store,
      "INSERT INTO products (external_id, title, category) VALUES ('p5', 'Blank', '')", &error));
  g_assert_no_error (error);

  /* p1 and p3 are Shirts, p2 Bags; p4 has none and p5 an empty one. */
  categories = sd_product_query_categories (shop.store, 200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (categories->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (categories, 0), ==, "Bags");
  g_assert_cmpstr (g_ptr_array_index (categories, 1), ==, "Shirts");
  g_assert_cmpint (categories->len, ==,
                   fixture_shop_int (shop.store, "SELECT count(DISTINCT nullif(category, '')) FROM products"));
  g_clear_pointer (&categories, g_ptr_array_unref);

  categories = sd_product_query_categories (shop.store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (categories->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (categories, 0), ==, "Bags");
  g_clear_pointer (&categories, g_ptr_array_unref);

  g_assert_true (sd_store_exec (shop.store, "DELETE FROM products", &error));
  g_assert_no_error (error);
  categories = sd_product_query_categories (shop.store, 200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (categories->len, ==, 0);
  g_clear_pointer (&categories, g_ptr_array_unref);

  fixture_shop_close (&shop);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/product-query/categories", test_categories);
  return g_test_run ();
}
