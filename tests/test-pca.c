/* test-pca.c — principal axes found by sd_pca_project on data with a known shape */
#include "config.h"

#include <math.h>

#include "sd-error.h"
#include "sd-pca.h"

/* Points spread mostly along a chosen unit direction in 5 dimensions, less along a
 * second orthogonal one, with small noise elsewhere. */
static void
test_recovers_axes (void)
{
  const guint d = 5;
  const gsize n = 2000;
  const double dir1[5] = { 0.6, 0.8, 0, 0, 0 };
  const double dir2[5] = { 0, 0, 0, 1, 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree double *data = g_new (double, n * d);
  g_autofree double *out = g_new (double, n * 2);
  g_autofree double *a = g_new (double, n);
  g_autofree double *b = g_new (double, n);
  double explained[2], corr1 = 0, corr2 = 0, n1 = 0, n2 = 0, m1 = 0, m2 = 0;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < n; i++)
    {
      a[i] = g_rand_double_range (rand, -5, 5);
      b[i] = g_rand_double_range (rand, -2, 2);
      for (guint j = 0; j < d; j++)
        data[i * d + j] = 3.0 + a[i] * dir1[j] + b[i] * dir2[j] + g_rand_double_range (rand, -0.1, 0.1);
    }
  g_assert_true (sd_pca_project (data, n, d, 2, out, explained, &error));
  g_assert_no_error (error);

  /* The scores follow the hidden coordinates (up to sign, fixed by the largest loading:
   * positive here, as both directions have positive largest entries). */
  for (gsize i = 0; i < n; i++)
    {
      m1 += out[2 * i];
      m2 += out[2 * i + 1];
    }
  g_assert_cmpfloat (fabs (m1 / n), <, 1e-9);   /* centred */
  g_assert_cmpfloat (fabs (m2 / n), <, 1e-9);
  for (gsize i = 0; i < n; i++)
    {
      corr1 += out[2 * i] * a[i];
      corr2 += out[2 * i + 1] * b[i];
      n1 += out[2 * i] * out[2 * i];
      n2 += out[2 * i + 1] * out[2 * i + 1];
    }
  g_assert_cmpfloat (corr1, >, 0);
  g_assert_cmpfloat (corr2, >, 0);
  g_assert_cmpfloat (n1, >, n2);
  /* Variance along a: 100/12 ≈ 8.33, along b: 16/12 ≈ 1.33, noise 0.0033 × 3. */
  g_assert_cmpfloat (explained[0], >, 0.8);
  g_assert_cmpfloat (explained[0], <, 0.9);
  g_assert_cmpfloat (explained[1], >, 0.1);
  g_assert_cmpfloat (explained[0] + explained[1], >, 0.99);
}

static void
test_refuses_bad_shapes (void)
{
  double data[4] = { 1, 2, 3, 4 };
  double out[4];
  g_autoptr(GError) error = NULL;

  g_assert_false (sd_pca_project (data, 1, 4, 2, out, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (sd_pca_project (data, 2, 2, 3, out, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pca/recovers-axes", test_recovers_axes);
  g_test_add_func ("/pca/refuses-bad-shapes", test_refuses_bad_shapes);
  return g_test_run ();
}
