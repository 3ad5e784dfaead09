/* test-cluster.c — k-means finds planted blobs; ARI and purity behave as defined */
#include "config.h"

#include <math.h>

#include "sd-cluster.h"

static double *
make_blobs (gsize   n,
            guint   d,
            guint   k,
            double  spread,
            guint  *truth,
            GRand  *rand)
{
  double *data = g_new (double, n * d);
  g_autofree double *centres = g_new (double, (gsize) k * d);

  for (guint c = 0; c < k; c++)
    for (guint j = 0; j < d; j++)
      centres[c * d + j] = g_rand_double_range (rand, -10, 10);
  for (gsize i = 0; i < n; i++)
    {
      truth[i] = g_rand_int_range (rand, 0, k);
      for (guint j = 0; j < d; j++)
        data[i * d + j] = centres[truth[i] * d + j] + g_rand_double_range (rand, -spread, spread);
    }
  return data;
}

static void
test_kmeans_blobs (void)
{
  const gsize n = 600;
  const guint d = 4, k = 5;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree guint *truth = g_new (guint, n);
  g_autofree guint *labels = g_new (guint, n);
  g_autofree guint *again = g_new (guint, n);
  g_autofree guint *shuffled = g_new (guint, n);
  g_autofree double *data = make_blobs (n, d, k, 1.0, truth, rand);
  double inertia, ari, baseline;

  inertia = sd_kmeans (data, n, d, k, 42, 4, 100, labels, NULL);
  g_assert_cmpfloat (inertia, >, 0);
  ari = sd_adjusted_rand_index (labels, truth, n);
  g_assert_cmpfloat (sd_cluster_purity (labels, truth, n), >, 0.95);

  /* A baseline from the same run: the truth shuffled among the points. */
  for (gsize i = 0; i < n; i++)
    shuffled[i] = truth[i];
  for (gsize i = n - 1; i > 0; i--)
    {
      gsize j = g_rand_int_range (rand, 0, i + 1);
      guint t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
  baseline = sd_adjusted_rand_index (shuffled, truth, n);
  g_test_message ("ARI %.3f, shuffled %.3f", ari, baseline);
  g_assert_cmpfloat (ari, >, 0.9);
  g_assert_cmpfloat (fabs (baseline), <, 0.05);

  /* Deterministic for a seed. */
  sd_kmeans (data, n, d, k, 42, 4, 100, again, NULL);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint (again[i], ==, labels[i]);

  /* More starts never do worse than one. */
  g_assert_cmpfloat (inertia, <=, sd_kmeans (data, n, d, k, 42, 1, 100, again, NULL) + 1e-9);
}

static void
test_kmeans_edge_cases (void)
{
  double same[6] = { 1, 1, 1, 1, 1, 1 };
  guint labels[3];
  double centroids[6];

  /* More clusters than points, and points that all coincide. */
  g_assert_cmpfloat (sd_kmeans (same, 3, 2, 5, 1, 2, 10, labels, centroids), ==, 0);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (labels[i], <, 3);
}

static void
test_agreement_definitions (void)
{
  /* Identical up to renaming. */
  const guint a[] = { 0, 0, 1, 1, 2, 2 };
  const guint b[] = { 2, 2, 0, 0, 1, 1 };
  /* Worked example: contingency [[2,1],[1,2]] → index 2, rows 6, cols 6,
   * expected 6·6/15 = 2.4, max 6: ARI = (2 − 2.4)/(6 − 2.4) = −1/9. */
  const guint c[] = { 0, 0, 0, 1, 1, 1 };
  const guint e[] = { 0, 0, 1, 0, 1, 1 };

  g_assert_cmpfloat_with_epsilon (sd_adjusted_rand_index (a, b, 6), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd_cluster_purity (a, b, 6), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd_adjusted_rand_index (c, e, 6), -1.0 / 9.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd_cluster_purity (c, e, 6), 4.0 / 6.0, 1e-12);
  /* One cluster holding everything: purity is the largest class's share. */
  {
    const guint one[] = { 0, 0, 0, 0 };
    const guint cls[] = { 0, 1, 1, 1 };
    g_assert_cmpfloat_with_epsilon (sd_cluster_purity (one, cls, 4), 0.75, 1e-12);
    g_assert_cmpfloat_with_epsilon (sd_adjusted_rand_index (one, cls, 4), 0.0, 1e-12);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cluster/kmeans-blobs", test_kmeans_blobs);
  g_test_add_func ("/cluster/kmeans-edge-cases", test_kmeans_edge_cases);
  g_test_add_func ("/cluster/agreement", test_agreement_definitions);
  return g_test_run ();
}
