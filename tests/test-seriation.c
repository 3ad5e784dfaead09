/* test-seriation.c — heatmap row ordering brings shuffled clusters back together */
#include "config.h"

#include <math.h>

#include "sd-seriation.h"

/* Block similarity matrix with noise: rows in the same block are alike. */
static double *
make_blocks (const guint *block_of,
             gsize        n,
             GRand       *rand)
{
  double *sim = g_new (double, n * n);

  for (gsize i = 0; i < n; i++)
    for (gsize j = i; j < n; j++)
      {
        double v = block_of[i] == block_of[j] ? 0.8 : 0.1;

        v += g_rand_double_range (rand, -0.08, 0.08);
        if (i == j)
          v = 1.0;
        sim[i * n + j] = sim[j * n + i] = v;
      }
  return sim;
}

static gboolean
is_permutation (const guint *order,
                gsize        n)
{
  g_autofree gboolean *seen = g_new0 (gboolean, n);

  for (gsize k = 0; k < n; k++)
    {
      if (order[k] >= n || seen[order[k]])
        return FALSE;
      seen[order[k]] = TRUE;
    }
  return TRUE;
}

/* Number of places where the block changes along the order: k blocks need k - 1. */
static guint
block_changes (const guint *order,
               const guint *block_of,
               gsize        n)
{
  guint changes = 0;

  for (gsize k = 1; k < n; k++)
    if (block_of[order[k]] != block_of[order[k - 1]])
      changes++;
  return changes;
}

static void
test_shuffled_blocks (void)
{
  static const guint sizes[] = { 5, 17, 40, 9, 29 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  gsize n = 0;
  g_autofree guint *block_of = NULL;
  g_autofree guint *order = NULL;
  g_autofree guint *identity = NULL;
  g_autofree double *sim = NULL;

  for (guint b = 0; b < G_N_ELEMENTS (sizes); b++)
    n += sizes[b];
  block_of = g_new (guint, n);
  /* Shuffled: block membership assigned to random rows. */
  {
    gsize k = 0;
    for (guint b = 0; b < G_N_ELEMENTS (sizes); b++)
      for (guint i = 0; i < sizes[b]; i++)
        block_of[k++] = b;
    for (gsize i = n - 1; i > 0; i--)
      {
        gsize j = g_rand_int_range (rand, 0, (gint32) i + 1);
        guint t = block_of[i];
        block_of[i] = block_of[j];
        block_of[j] = t;
      }
  }
  sim = make_blocks (block_of, n, rand);

  identity = g_new (guint, n);
  for (gsize i = 0; i < n; i++)
    identity[i] = (guint) i;
  /* The shuffle really scattered the blocks (else the test proves nothing). */
  g_assert_cmpuint (block_changes (identity, block_of, n), >, n / 2);

  order = g_new (guint, n);
  sd_seriation_order (sim, n, order);
  g_assert_true (is_permutation (order, n));
  g_assert_cmpuint (block_changes (order, block_of, n), ==, G_N_ELEMENTS (sizes) - 1);
  g_assert_cmpfloat (sd_seriation_adjacent_score (sim, n, order), >,
                     sd_seriation_adjacent_score (sim, n, identity));
}

static void
test_edge_cases (void)
{
  guint order[3] = { 9, 9, 9 };
  double one = 1.0;
  double with_nan[9] = { 1, NAN, 0.9, NAN, 1, 0.1, 0.9, 0.1, 1 };

  sd_seriation_order (NULL, 0, NULL);
  sd_seriation_order (&one, 1, order);
  g_assert_cmpuint (order[0], ==, 0);

  /* NaN counts as least alike: 0 and 2 end up next to each other. */
  sd_seriation_order (with_nan, 3, order);
  g_assert_true (is_permutation (order, 3));
  g_assert_cmpuint (order[1] == 1 ? 99 : 0, ==, 0);
}

static void
test_size_300 (void)
{
  const gsize n = 300;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autofree guint *block_of = g_new (guint, n);
  g_autofree guint *order = g_new (guint, n);
  g_autofree double *sim = NULL;

  for (gsize i = 0; i < n; i++)
    block_of[i] = g_rand_int_range (rand, 0, 8);
  sim = make_blocks (block_of, n, rand);
  sd_seriation_order (sim, n, order);
  g_assert_true (is_permutation (order, n));
  g_assert_cmpuint (block_changes (order, block_of, n), <=, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/seriation/shuffled-blocks", test_shuffled_blocks);
  g_test_add_func ("/seriation/edge-cases", test_edge_cases);
  g_test_add_func ("/seriation/size-300", test_size_300);

  return g_test_run ();
}
