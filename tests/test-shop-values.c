/* test-shop-values.c — the shop's own values, checked and closest by edit distance */
#include "config.h"

#include <string.h>

#include "fixture-shop.h"
#include "sd-shop-values.h"

static void
test_distance (void)
{
  g_assert_cmpuint (sd_text_distance ("France", "France"), ==, 0);
  g_assert_cmpuint (sd_text_distance ("Frnace", "France"), ==, 2);     /* a swap is two edits */
  g_assert_cmpuint (sd_text_distance ("france", "FRANCE"), ==, 0);     /* case ignored */
  g_assert_cmpuint (sd_text_distance ("", "abc"), ==, 3);
  g_assert_cmpuint (sd_text_distance ("Österreich", "Osterreich"), ==, 1);   /* characters, not bytes */
  g_assert_cmpuint (sd_text_distance ("kitten", "sitting"), ==, 3);
}

/* What the fixture shop holds (tests/fixture-shop.h), computed here independently with the
 * test's own SQL, then the lists and the checks. */
static void
test_values (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopValues) values = NULL;
  GPtrArray *list;
  g_autofree char *unknown = NULL;
  const char *suggestion = NULL;

  fixture_shop_open (&shop);
  g_assert_true (sd_store_exec (shop.store,
      "UPDATE customers SET country = 'France' WHERE external_id = 'c4';"
      "UPDATE customers SET segment = 'regular' WHERE external_id = 'c2';", &error));
  values = sd_shop_values_load (shop.store, 100, NULL, &error);
  g_assert_no_error (error);

  list = sd_shop_values_get (values, SD_SHOP_VALUE_COUNTRY);
  g_assert_cmpint (list->len, ==, fixture_shop_int (shop.store,
      "SELECT count(DISTINCT country) FROM customers WHERE country <> ''"));
  g_assert_cmpstr (list->pdata[0], ==, "DE");
  g_assert_cmpstr (list->pdata[1], ==, "France");
  list = sd_shop_values_get (values, SD_SHOP_VALUE_SEGMENT);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (list->pdata[0], ==, "regular");
  g_assert_cmpstr (list->pdata[1], ==, "vip");
  list = sd_shop_values_get (values, SD_SHOP_VALUE_CATEGORY);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (list->pdata[0], ==, "Bags");
  g_assert_cmpstr (list->pdata[1], ==, "Shirts");
  list = sd_shop_values_get (values, SD_SHOP_VALUE_TAG);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (list->pdata[0], ==, "linen");
  g_assert_cmpstr (list->pdata[1], ==, "summer");
  list = sd_shop_values_get (values, SD_SHOP_VALUE_PRODUCT);
  g_assert_cmpint (list->len, ==, fixture_shop_int (shop.store,
      "SELECT count(*) FROM products WHERE coalesce (kind, 'merchandise') = 'merchandise'"));
  g_assert_cmpstr (list->pdata[0], ==, "p1");
  g_assert_cmpstr (sd_shop_values_titles (values, SD_SHOP_VALUE_PRODUCT)->pdata[0], ==, "Linen Shirt");

  g_assert_true (sd_shop_values_has (values, SD_SHOP_VALUE_COUNTRY, "france"));
  g_assert_false (sd_shop_values_has (values, SD_SHOP_VALUE_COUNTRY, "Frnace"));
  g_assert_cmpstr (sd_shop_values_closest (values, SD_SHOP_VALUE_COUNTRY, "Frnace"), ==, "France");
  g_assert_cmpstr (sd_shop_values_closest (values, SD_SHOP_VALUE_SEGMENT, "VIPP"), ==, "vip");
  /* too far to be a typo: no suggestion rather than a wrong one */
  g_assert_null (sd_shop_values_closest (values, SD_SHOP_VALUE_COUNTRY, "Japan"));

  g_assert_true (sd_shop_values_check_list (values, SD_SHOP_VALUE_COUNTRY, "DE, france", &unknown, &suggestion));
  g_assert_null (unknown);
  g_assert_false (sd_shop_values_check_list (values, SD_SHOP_VALUE_COUNTRY, "DE, Frnace, Japan", &unknown, &suggestion));
  g_assert_cmpstr (unknown, ==, "Frnace");
  g_assert_cmpstr (suggestion, ==, "France");
  g_clear_pointer (&unknown, g_free);
  g_assert_false (sd_shop_values_check_list (values, SD_SHOP_VALUE_SEGMENT, "new", &unknown, &suggestion));
  g_assert_cmpstr (unknown, ==, "new");
  g_assert_null (suggestion);

  g_clear_pointer (&values, sd_shop_values_unref);
  fixture_shop_close (&shop);
}

/* A cap keeps the most used values. */
static void
test_cap (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopValues) values = NULL;
  GPtrArray *list;

  fixture_shop_open (&shop);
  g_assert_true (sd_store_exec (shop.store,
      "INSERT INTO customers (external_id, country) VALUES ('x1', 'Zambia'), ('x2', 'Zambia'), ('x3', 'Zambia');",
      &error));
  values = sd_shop_values_load (shop.store, 1, NULL, &error);
  g_assert_no_error (error);
  list = sd_shop_values_get (values, SD_SHOP_VALUE_COUNTRY);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (list->pdata[0], ==, "Zambia");
  g_clear_pointer (&values, sd_shop_values_unref);
  fixture_shop_close (&shop);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shop-values/distance", test_distance);
  g_test_add_func ("/shop-values/values", test_values);
  g_test_add_func ("/shop-values/cap", test_cap);
  return g_test_run ();
}
