/* test-dp.c — differentially private releases: the noise has the scale its ε asks for,
 * the budget is kept, small noisy counts are suppressed */
#include "config.h"

#include <math.h>

#include "sd-dp.h"
#include "sd-error.h"

#define DRAWS 40000

/* Mean absolute deviation of noisy − true over repeated releases of one count. With
 * Laplace(b) E|X| = b and sd |X| = b, so over 40,000 draws the mean is within 0.5 % of b
 * (1 standard error); the 4 % tolerance fails a scale off by ε/2 or 2ε every time and a
 * correct one about never. */
static void
test_laplace_scale (void)
{
  const double epsilons[] = { 0.1, 0.5, 1.0, 3.0 };

  for (guint e = 0; e < G_N_ELEMENTS (epsilons); e++)
    {
      double sum_abs = 0, sum_sq = 0;
      g_autoptr(GError) error = NULL;
      g_autoptr(SdDpRelease) r = sd_dp_release_new (SD_DP_LAPLACE, epsilons[e], 0, DRAWS, 0, &error);

      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (sd_dp_release_scale (r, 1.0), DRAWS / epsilons[e], 1e-9);
      for (guint i = 0; i < DRAWS; i++)
        {
          double noisy;

          g_assert_true (sd_dp_release_count (r, 100, &noisy, &error));
          g_assert_no_error (error);
          sum_abs += fabs (noisy - 100);
          sum_sq += (noisy - 100) * (noisy - 100);
        }
      {
        double b = DRAWS / epsilons[e];   /* each of the DRAWS queries gets ε / DRAWS */
        g_assert_cmpfloat (fabs (sum_abs / DRAWS / b - 1), <, 0.04);
        /* Var = 2b²: checks the shape as well as the spread */
        g_assert_cmpfloat (fabs (sum_sq / DRAWS / (2 * b * b) - 1), <, 0.08);
      }
      g_assert_cmpfloat_with_epsilon (sd_dp_release_spent (r), epsilons[e], 1e-12);
    }
}

/* One query per release: the scale is 1/ε for a count and bound/ε for a sum. */
static void
test_laplace_single_query (void)
{
  double sum_abs_count = 0, sum_abs_sum = 0;

  for (guint i = 0; i < DRAWS; i++)
    {
      g_autoptr(SdDpRelease) r = sd_dp_release_new (SD_DP_LAPLACE, 0.5, 0, 2, 0, NULL);
      double c, s;

      g_assert_true (sd_dp_release_count (r, 10, &c, NULL));
      g_assert_true (sd_dp_release_sum (r, 1000, 50, &s, NULL));
      sum_abs_count += fabs (c - 10);
      sum_abs_sum += fabs (s - 1000);
    }
  /* ε 0.5 over two queries: 0.25 each */
  g_assert_cmpfloat (fabs (sum_abs_count / DRAWS / 4.0 - 1), <, 0.04);
  g_assert_cmpfloat (fabs (sum_abs_sum / DRAWS / 200.0 - 1), <, 0.04);
}

static void
test_gaussian_scale (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdDpRelease) r = sd_dp_release_new (SD_DP_GAUSSIAN, 0.5, 1e-5, 1, 0, &error);
  double sigma, sum = 0, sum_sq = 0, values[DRAWS], noisy[DRAWS];

  g_assert_no_error (error);
  sigma = sd_dp_release_scale (r, 1.0);
  g_assert_cmpfloat_with_epsilon (sigma, sqrt (2 * log (1.25 / 1e-5)) / 0.5, 1e-9);
  for (guint i = 0; i < DRAWS; i++)
    values[i] = i % 7;
  /* one histogram query over disjoint cells: one query's ε for all of them */
  g_assert_true (sd_dp_release_cells (r, values, DRAWS, 1.0, noisy, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < DRAWS; i++)
    {
      sum += noisy[i] - values[i];
      sum_sq += (noisy[i] - values[i]) * (noisy[i] - values[i]);
    }
  g_assert_cmpfloat (fabs (sum / DRAWS), <, 4 * sigma / sqrt (DRAWS));
  /* sd of the sample sd is σ/√(2n) ≈ 0.35 %: 3 % fails a wrong calibration */
  g_assert_cmpfloat (fabs (sqrt (sum_sq / DRAWS) / sigma - 1), <, 0.03);
  g_assert_cmpfloat_with_epsilon (sd_dp_release_spent (r), 0.5, 1e-12);
}

static void
test_budget (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdDpRelease) r = sd_dp_release_new (SD_DP_LAPLACE, 1.0, 0, 3, 5, &error);
  double cells[4] = { 1, 2, 3, 4 }, out[4], x;

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (sd_dp_release_query_epsilon (r), 1.0 / 3, 1e-12);
  g_assert_cmpfloat (sd_dp_release_spent (r), ==, 0);
  g_assert_true (sd_dp_release_count (r, 1, &x, &error));
  g_assert_true (sd_dp_release_cells (r, cells, 4, 1, out, &error));
  g_assert_cmpfloat_with_epsilon (sd_dp_release_spent (r), 2.0 / 3, 1e-12);
  g_assert_true (sd_dp_release_sum (r, 1, 1, &x, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (sd_dp_release_spent (r), ==, 1.0);
  /* a fourth query would spend more than ε: refused, nothing answered */
  x = -1;
  g_assert_false (sd_dp_release_count (r, 1, &x, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_TOO_LARGE);
  g_assert_cmpfloat (x, ==, -1);
  g_assert_cmpuint (sd_dp_release_answered (r), ==, 3);
  g_assert_cmpfloat (sd_dp_release_spent (r), ==, 1.0);
}

static void
test_refusals (void)
{
  GError *error = NULL;

  g_assert_null (sd_dp_release_new (SD_DP_LAPLACE, 0, 0, 1, 0, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (sd_dp_release_new (SD_DP_LAPLACE, NAN, 0, 1, 0, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (sd_dp_release_new (SD_DP_LAPLACE, 1, 0, 0, 0, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (sd_dp_release_new (SD_DP_GAUSSIAN, 1, 0, 1, 0, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (sd_dp_release_new (SD_DP_GAUSSIAN, 4, 1e-6, 2, 0, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (sd_dp_release_new (SD_DP_LAPLACE, 1, 0, 1, -2, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
}

/* Suppression is decided on the noisy count: a cell of 3 customers with threshold 10 and
 * tiny noise is always suppressed, one of 50 never; with real noise a cell at the threshold
 * is suppressed about half the time (the decision is itself noisy, hence private). */
static void
test_suppression (void)
{
  g_autoptr(SdDpRelease) r = sd_dp_release_new (SD_DP_LAPLACE, 1000, 0, 1, 10, NULL);
  g_autoptr(SdDpRelease) noisy = sd_dp_release_new (SD_DP_LAPLACE, 1.0, 0, 1, 10, NULL);
  double small, big, at[2000], values[2000];
  double cells[2] = { 3, 50 }, out[2];
  guint suppressed = 0;

  g_assert_true (sd_dp_release_cells (r, cells, 2, 1, out, NULL));
  small = out[0];
  big = out[1];
  g_assert_true (sd_dp_release_suppress (r, small));
  g_assert_false (sd_dp_release_suppress (r, big));
  g_assert_true (sd_dp_release_suppress (r, NAN));

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = 10;
  g_assert_true (sd_dp_release_cells (noisy, values, G_N_ELEMENTS (values), 1, at, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    suppressed += sd_dp_release_suppress (noisy, at[i]);
  g_assert_cmpuint (suppressed, >, 850);
  g_assert_cmpuint (suppressed, <, 1150);
}

static void
test_uniform_and_clamp (void)
{
  double sum = 0, lo = 1, hi = 0;

  for (guint i = 0; i < DRAWS; i++)
    {
      double u = sd_dp_uniform ();
      g_assert_cmpfloat (u, >, 0);
      g_assert_cmpfloat (u, <, 1);
      sum += u;
      lo = MIN (lo, u);
      hi = MAX (hi, u);
    }
  g_assert_cmpfloat (fabs (sum / DRAWS - 0.5), <, 0.01);
  g_assert_cmpfloat (lo, <, 0.001);
  g_assert_cmpfloat (hi, >, 0.999);
  g_assert_cmpfloat (sd_dp_clamp (-3, 10), ==, 0);
  g_assert_cmpfloat (sd_dp_clamp (NAN, 10), ==, 0);
  g_assert_cmpfloat (sd_dp_clamp (4, 10), ==, 4);
  g_assert_cmpfloat (sd_dp_clamp (40, 10), ==, 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dp/laplace-scale", test_laplace_scale);
  g_test_add_func ("/dp/laplace-single-query", test_laplace_single_query);
  g_test_add_func ("/dp/gaussian-scale", test_gaussian_scale);
  g_test_add_func ("/dp/budget", test_budget);
  g_test_add_func ("/dp/refusals", test_refusals);
  g_test_add_func ("/dp/suppression", test_suppression);
  g_test_add_func ("/dp/uniform-and-clamp", test_uniform_and_clamp);
  return g_test_run ();
}
