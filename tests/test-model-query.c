/* test-model-query.c — the names of the models a shop keeps, by kind, on the fixture
 * shop: each once however often it was trained, sorted, other kinds left out */
#include "config.h"

#include "fixture-shop.h"
#include "sd-model-query.h"

static void
test_stored_names (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;

  fixture_shop_open (&shop);

  /* itemknn twice and ease once as recommenders; intent-linear is of another kind. */
  names = sd_model_query_stored_names (shop.store, "recommender", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "ease");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "itemknn");
  g_clear_pointer (&names, g_ptr_array_unref);

  names = sd_model_query_stored_names (shop.store, "intent", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "intent-linear");
  g_clear_pointer (&names, g_ptr_array_unref);

  names = sd_model_query_stored_names (shop.store, "sentiment", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, 0);
  g_clear_pointer (&names, g_ptr_array_unref);

  fixture_shop_close (&shop);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model-query/stored-names", test_stored_names);
  return g_test_run ();
}
