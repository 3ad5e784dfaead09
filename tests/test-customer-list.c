/* test-customer-list.c — the customers to talk as on the Chatbot page
 *
 * A small shop written by the test: who has how many orders is known from the inserts.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "sd-customer-list.h"
#include "sd-store.h"

static char *
make_shop (char **dir)
{
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp ("sd-customer-list-XXXXXX", &error);
  g_assert_no_error (error);
  return g_build_filename (*dir, "shop.sqlite", NULL);
}

static void
remove_shop (char *dir,
             char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

typedef struct {
  gint64      id;
  const char *external_id;
  const char *name;
  gint64      n_orders;
} Expected;

static void
assert_list (GPtrArray      *list,
             const Expected *expected,
             guint           n)
{
  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const SdCustomerEntry *c = g_ptr_array_index (list, i);

      g_assert_cmpint (c->id, ==, expected[i].id);
      g_assert_cmpstr (c->external_id, ==, expected[i].external_id);
      g_assert_cmpstr (c->name, ==, expected[i].name);
      g_assert_cmpint (c->n_orders, ==, expected[i].n_orders);
    }
}

static void
test_most_orders (void)
{
  /* c2 and c4 have 3 orders each (c2 first: the lower id), c5 2, c1 1; c3 none, and
   * the 5 guest orders have no customer. */
  static const Expected expected[] = {
    { 2, "c2", "Bob Ray", 3 },
    { 4, "c4", NULL, 3 },
    { 5, "c5", "Eve Ng", 2 },
    { 1, "c1", "Ann Lee", 1 },
  };
  char *dir;
  char *path = make_shop (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) two = NULL;
  g_autoptr(GPtrArray) three = NULL;

  g_assert_no_error (error);
  empty = sd_customer_list_most_orders (store, 300, &error);
  g_assert_no_error (error);
  assert_list (empty, NULL, 0);

  g_assert_true (sd_store_exec (store,
    "INSERT INTO customers (id, external_id, name) VALUES"
    " (1, 'c1', 'Ann Lee'), (2, 'c2', 'Bob Ray'), (3, 'c3', 'Cy Oh'), (4, 'c4', NULL), (5, 'c5', 'Eve Ng');"
    "INSERT INTO orders (external_id, customer_id, placed_at) VALUES"
    " ('o1', 4, 1), ('o2', 2, 2), ('o3', 1, 3), ('o4', 5, 4), ('o5', 4, 5), ('o6', 2, 6),"
    " ('o7', 5, 7), ('o8', 4, 8), ('o9', 2, 9),"
    " ('g1', NULL, 10), ('g2', NULL, 11), ('g3', NULL, 12), ('g4', NULL, 13), ('g5', NULL, 14);",
    &error));
  g_assert_no_error (error);

  all = sd_customer_list_most_orders (store, 300, &error);
  g_assert_no_error (error);
  assert_list (all, expected, G_N_ELEMENTS (expected));
  two = sd_customer_list_most_orders (store, 2, &error);
  g_assert_no_error (error);
  assert_list (two, expected, 2);
  three = sd_customer_list_most_orders (store, 3, &error);
  g_assert_no_error (error);
  assert_list (three, expected, 3);

  g_clear_object (&store);
  remove_shop (dir, path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/customer-list/most-orders", test_most_orders);
  return g_test_run ();
}
