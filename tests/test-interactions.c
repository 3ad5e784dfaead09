/* test-interactions.c — the CSR matrix: builder, duplicates, transpose, alignment, store */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "sd-interactions.h"

static SdInteractions *
small_matrix (void)
{
  SdInteractionsBuilder *b = sd_interactions_builder_new ();

  /* Ids out of order and a duplicate cell (30, 7): indices must follow id order. */
  sd_interactions_builder_add (b, 30, 7, 1.0f, 100);
  sd_interactions_builder_add (b, 10, 9, 2.0f, 50);
  sd_interactions_builder_add (b, 30, 5, 4.0f, 10);
  sd_interactions_builder_add (b, 30, 7, 0.5f, 300);
  sd_interactions_builder_add (b, 20, 7, 1.5f, 20);
  sd_interactions_builder_add_item (b, 100);   /* nobody touched it */
  sd_interactions_builder_add_user (b, 40);    /* a user with no history */
  return sd_interactions_builder_build (b);
}

static void
test_builder (void)
{
  g_autoptr(SdInteractions) m = small_matrix ();
  gint64 users[] = { 10, 20, 30, 40 };
  gint64 items[] = { 5, 7, 9, 100 };

  g_assert_cmpuint (m->n_users, ==, 4);
  g_assert_cmpuint (m->n_items, ==, 4);
  g_assert_cmpuint (m->nnz, ==, 4);
  for (guint u = 0; u < 4; u++)
    {
      g_assert_cmpint (m->user_ids[u], ==, users[u]);
      g_assert_cmpint (sd_interactions_user_index (m, users[u]), ==, (int) u);
    }
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (m->item_ids[i], ==, items[i]);
  g_assert_cmpint (sd_interactions_user_index (m, 99), ==, -1);
  g_assert_cmpint (sd_interactions_item_index (m, 6), ==, -1);

  /* user 10: item 9 (index 2); user 20: item 7; user 30: items 5, 7 merged; user 40: none */
  g_assert_cmpuint (m->indptr[0], ==, 0);
  g_assert_cmpuint (m->indptr[1], ==, 1);
  g_assert_cmpuint (m->indptr[2], ==, 2);
  g_assert_cmpuint (m->indptr[3], ==, 4);
  g_assert_cmpuint (m->indptr[4], ==, 4);
  g_assert_cmpuint (m->indices[0], ==, 2);
  g_assert_cmpuint (m->indices[2], ==, 0);
  g_assert_cmpuint (m->indices[3], ==, 1);
  g_assert_cmpfloat (m->values[3], ==, 1.5f);     /* 1.0 + 0.5 */
  g_assert_cmpint (m->times[3], ==, 300);          /* the newest */
  g_assert_cmpfloat (m->values[2], ==, 4.0f);
}

static void
test_transpose (void)
{
  g_autoptr(SdInteractions) m = small_matrix ();
  g_autoptr(SdInteractions) t = sd_interactions_transpose (m);
  g_autoptr(SdInteractions) tt = sd_interactions_transpose (t);
  g_autofree guint *counts = sd_interactions_item_counts (m);

  g_assert_cmpuint (t->n_users, ==, m->n_items);
  g_assert_cmpuint (t->n_items, ==, m->n_users);
  g_assert_cmpuint (t->nnz, ==, m->nnz);
  /* item 7 (index 1) was touched by users 20 and 30 (indices 1, 2) */
  g_assert_cmpuint (t->indptr[2] - t->indptr[1], ==, 2);
  g_assert_cmpuint (t->indices[t->indptr[1]], ==, 1);
  g_assert_cmpuint (t->indices[t->indptr[1] + 1], ==, 2);
  g_assert_cmpint (sd_interactions_user_index (t, 7), ==, 1);

  for (guint u = 0; u <= m->n_users; u++)
    g_assert_cmpuint (tt->indptr[u], ==, m->indptr[u]);
  for (gsize k = 0; k < m->nnz; k++)
    {
      g_assert_cmpuint (tt->indices[k], ==, m->indices[k]);
      g_assert_cmpfloat (tt->values[k], ==, m->values[k]);
      g_assert_cmpint (tt->times[k], ==, m->times[k]);
    }

  g_assert_cmpuint (counts[0], ==, 1);
  g_assert_cmpuint (counts[1], ==, 2);
  g_assert_cmpuint (counts[2], ==, 1);
  g_assert_cmpuint (counts[3], ==, 0);
}

static void
test_aligned (void)
{
  g_autoptr(SdInteractions) m = small_matrix ();
  g_autoptr(SdInteractions) test = NULL;
  SdInteractionsBuilder *b = sd_interactions_builder_new ();
  gsize dropped = 0;

  sd_interactions_builder_add (b, 40, 100, 1.0f, 5);
  sd_interactions_builder_add (b, 10, 5, 1.0f, 5);
  sd_interactions_builder_add (b, 77, 5, 1.0f, 5);    /* unknown user */
  sd_interactions_builder_add (b, 10, 1234, 1.0f, 5); /* unknown item */
  test = sd_interactions_builder_build_aligned (b, m, &dropped);

  g_assert_cmpuint (dropped, ==, 2);
  g_assert_cmpuint (test->n_users, ==, m->n_users);
  g_assert_cmpuint (test->n_items, ==, m->n_items);
  g_assert_cmpuint (test->nnz, ==, 2);
  g_assert_cmpuint (test->indptr[1] - test->indptr[0], ==, 1);
  g_assert_cmpuint (test->indices[test->indptr[0]], ==, 0);
  g_assert_cmpuint (test->indices[test->indptr[3]], ==, 3);
  g_assert_cmpint (sd_interactions_item_index (test, 100), ==, 3);
}

static gboolean
exec (SdStore    *store,
      const char *sql)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_store_exec (store, sql, &error);
  g_assert_no_error (error);
  return ok;
}

static float
cell (SdInteractions *m,
      gint64          user,
      gint64          item)
{
  int u = sd_interactions_user_index (m, user);
  int i = sd_interactions_item_index (m, item);

  g_assert_cmpint (u, >=, 0);
  g_assert_cmpint (i, >=, 0);
  for (gsize k = m->indptr[u]; k < m->indptr[u + 1]; k++)
    if (m->indices[k] == (guint) i)
      return m->values[k];
  return 0.0f;
}

static void
test_from_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-interactions-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "shop.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  SdInteractionWeights w;
  const gint64 day = 86400;

  g_assert_no_error (error);
  exec (store,
        "INSERT INTO customers (id, external_id) VALUES (1, 'a'), (2, 'b'), (3, 'c');"
        "INSERT INTO products (id, external_id, title) VALUES (10, 'p', 'P'), (11, 'q', 'Q'), (12, 'r', 'R');"
        /* customer 1: a view and a cart of 10, a 2-star review of 11 */
        "INSERT INTO events (customer_id, product_id, kind, at) VALUES (1, 10, 0, 1000000), (1, 10, 1, 1000000);"
        "INSERT INTO events (customer_id, product_id, kind, at, rating) VALUES (1, 11, 3, 1000000, 2);"
        /* customer 2: an order of 11, also imported as a purchase event at the same time,
         * and a cancelled order of 10 */
        "INSERT INTO orders (id, external_id, customer_id, placed_at) VALUES (1, 'o1', 2, 1000000);"
        "INSERT INTO orders (id, external_id, customer_id, placed_at, status) VALUES (2, 'o2', 2, 1000000, 'cancelled');"
        "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES (1, 1, 11, 2, 100), (2, 1, 10, 1, 100);"
        "INSERT INTO events (customer_id, product_id, kind, at) VALUES (2, 11, 2, 1000000);");

  sd_interactions_weights_default (&w);
  w.view = 1; w.cart = 3; w.purchase = 5; w.review = 5;
  {
    g_autoptr(SdInteractions) m = sd_interactions_from_store (store, &w, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (m->n_users, ==, 3);
    g_assert_cmpuint (m->n_items, ==, 3);     /* product 12 is indexed though untouched */
    g_assert_cmpfloat_with_epsilon (cell (m, 1, 10), 4.0, 1e-6);
    g_assert_cmpfloat_with_epsilon (cell (m, 1, 11), 2.0, 1e-6);   /* 5 * 2 / 5 */
    g_assert_cmpfloat_with_epsilon (cell (m, 2, 11), 5.0, 1e-6);   /* counted once */
    g_assert_cmpfloat (cell (m, 2, 10), ==, 0.0f);                 /* cancelled */
    g_assert_cmpuint (m->indptr[3] - m->indptr[2], ==, 0);
  }

  w.positive_min_rating = 4;
  {
    g_autoptr(SdInteractions) m = sd_interactions_from_store (store, &w, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (cell (m, 1, 11), ==, 0.0f);
  }

  /* A purchase one half-life before the newest event weighs half. */
  exec (store, "INSERT INTO events (customer_id, product_id, kind, at) VALUES (3, 12, 2, 1000000 - 30 * 86400);");
  w.positive_min_rating = 0;
  w.half_life_days = 30;
  {
    g_autoptr(SdInteractions) m = sd_interactions_from_store (store, &w, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat_with_epsilon (cell (m, 3, 12), 2.5, 1e-5);
    g_assert_cmpfloat_with_epsilon (cell (m, 2, 11), 5.0, 1e-5);
  }
  w.now = 1000000 + 60 * day;
  {
    g_autoptr(SdInteractions) m = sd_interactions_from_store (store, &w, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat_with_epsilon (cell (m, 2, 11), 1.25, 1e-5);
  }

  /* Ids far apart (looked up by binary search) and a product that is postage, not goods:
   * its events count for nothing. */
  exec (store,
        "INSERT INTO products (id, external_id, title, kind) VALUES (5000000, 'z', 'Z', 'merchandise'),"
        "  (13, 'post', 'POSTAGE', 'shipping');"
        "INSERT INTO events (customer_id, product_id, kind, at) VALUES (3, 5000000, 0, 1000000), (3, 13, 2, 1000000);");
  w.half_life_days = 0;
  {
    g_autoptr(SdInteractions) m = sd_interactions_from_store (store, &w, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (m->n_items, ==, 5);
    g_assert_cmpfloat_with_epsilon (cell (m, 3, 5000000), 1.0, 1e-6);
    g_assert_cmpfloat (cell (m, 3, 13), ==, 0.0f);
    g_assert_cmpfloat_with_epsilon (cell (m, 3, 12), 5.0, 1e-6);
  }

  g_clear_object (&store);
  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/interactions/builder", test_builder);
  g_test_add_func ("/interactions/transpose", test_transpose);
  g_test_add_func ("/interactions/aligned", test_aligned);
  g_test_add_func ("/interactions/from-store", test_from_store);
  return g_test_run ();
}
