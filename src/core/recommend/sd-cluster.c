/* sd-cluster.c — k-means++ and clustering agreement */
#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sd-cluster.h"

static double
sq_dist (const double *a,
         const double *b,
         guint         d)
{
  double s = 0;
  for (guint j = 0; j < d; j++)
    {
      double t = a[j] - b[j];
      s += t * t;
    }
  return s;
}

/* k-means++: each further seed drawn with probability proportional to its squared
 * distance from the nearest seed so far. */
static void
seed_centroids (const double *data,
                gsize         n,
                guint         d,
                guint         k,
                GRand        *rand,
                double       *centroids,
                double       *nearest)
{
  gsize first = (gsize) g_rand_double_range (rand, 0, (double) n);

  memcpy (centroids, data + MIN (first, n - 1) * d, d * sizeof (double));
  for (gsize i = 0; i < n; i++)
    nearest[i] = sq_dist (data + i * d, centroids, d);

  for (guint c = 1; c < k; c++)
    {
      double total = 0, target, acc = 0;
      gsize pick = n - 1;

      for (gsize i = 0; i < n; i++)
        total += nearest[i];
      target = g_rand_double (rand) * total;
      for (gsize i = 0; i < n && total > 0; i++)
        {
          acc += nearest[i];
          if (acc >= target && nearest[i] > 0)
            {
              pick = i;
              break;
            }
        }
      if (total <= 0)   /* fewer distinct points than clusters */
        pick = (gsize) c % n;
      memcpy (centroids + (gsize) c * d, data + pick * d, d * sizeof (double));
      for (gsize i = 0; i < n; i++)
        nearest[i] = MIN (nearest[i], sq_dist (data + i * d, centroids + (gsize) c * d, d));
    }
}

static double
lloyd (const double *data,
       gsize         n,
       guint         d,
       guint         k,
       guint         max_iterations,
       guint        *labels,
       double       *centroids)
{
  g_autofree double *sums = g_new (double, (gsize) k * d);
  g_autofree gsize *counts = g_new (gsize, k);
  double inertia = 0;

  for (gsize i = 0; i < n; i++)
    labels[i] = G_MAXUINT;

  for (guint iter = 0; iter < MAX (max_iterations, 1); iter++)
    {
      gboolean changed = FALSE;

      inertia = 0;
      for (gsize i = 0; i < n; i++)
        {
          guint best = 0;
          double best_d = INFINITY;
          for (guint c = 0; c < k; c++)
            {
              double dist = sq_dist (data + i * d, centroids + (gsize) c * d, d);
              if (dist < best_d)
                {
                  best_d = dist;
                  best = c;
                }
            }
          if (labels[i] != best)
            changed = TRUE;
          labels[i] = best;
          inertia += best_d;
        }
      if (!changed)
        break;

      memset (sums, 0, (gsize) k * d * sizeof (double));
      memset (counts, 0, k * sizeof (gsize));
      for (gsize i = 0; i < n; i++)
        {
          counts[labels[i]]++;
          for (guint j = 0; j < d; j++)
            sums[(gsize) labels[i] * d + j] += data[i * d + j];
        }
      for (guint c = 0; c < k; c++)
        if (counts[c] > 0)   /* an emptied cluster keeps its centroid */
          for (guint j = 0; j < d; j++)
            centroids[(gsize) c * d + j] = sums[(gsize) c * d + j] / (double) counts[c];
    }
  return inertia;
}

double
sd_kmeans (const double *data,
           gsize         n,
           guint         d,
           guint         k,
           guint32       seed,
           guint         n_init,
           guint         max_iterations,
           guint        *labels,
           double       *centroids)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree double *trial_centroids = NULL;
  g_autofree guint *trial_labels = NULL;
  g_autofree double *nearest = NULL;
  double best = INFINITY;

  g_return_val_if_fail (labels != NULL, NAN);

  if (n == 0 || d == 0)
    return 0;
  k = (guint) MAX (1, MIN ((gsize) k, n));
  trial_centroids = g_new (double, (gsize) k * d);
  trial_labels = g_new (guint, n);
  nearest = g_new (double, n);

  for (guint t = 0; t < MAX (n_init, 1); t++)
    {
      double inertia;

      seed_centroids (data, n, d, k, rand, trial_centroids, nearest);
      inertia = lloyd (data, n, d, k, max_iterations, trial_labels, trial_centroids);
      if (inertia < best)
        {
          best = inertia;
          memcpy (labels, trial_labels, n * sizeof (guint));
          if (centroids)
            memcpy (centroids, trial_centroids, (gsize) k * d * sizeof (double));
        }
    }
  return best;
}

static guint
max_label (const guint *a,
           gsize        n)
{
  guint m = 0;
  for (gsize i = 0; i < n; i++)
    m = MAX (m, a[i]);
  return m;
}

static double
choose2 (double x)
{
  return x * (x - 1) / 2;
}

double
sd_adjusted_rand_index (const guint *a,
                        const guint *b,
                        gsize        n)
{
  guint ra, rb;
  g_autofree gsize *table = NULL;
  g_autofree gsize *rows = NULL;
  g_autofree gsize *cols = NULL;
  double index = 0, sum_rows = 0, sum_cols = 0, expected, maximum;

  if (n < 2)
    return 1.0;
  ra = max_label (a, n) + 1;
  rb = max_label (b, n) + 1;
  table = g_new0 (gsize, (gsize) ra * rb);
  rows = g_new0 (gsize, ra);
  cols = g_new0 (gsize, rb);
  for (gsize i = 0; i < n; i++)
    {
      table[(gsize) a[i] * rb + b[i]]++;
      rows[a[i]]++;
      cols[b[i]]++;
    }
  for (gsize c = 0; c < (gsize) ra * rb; c++)
    index += choose2 ((double) table[c]);
  for (guint i = 0; i < ra; i++)
    sum_rows += choose2 ((double) rows[i]);
  for (guint j = 0; j < rb; j++)
    sum_cols += choose2 ((double) cols[j]);

  expected = sum_rows * sum_cols / choose2 ((double) n);
  maximum = (sum_rows + sum_cols) / 2;
  if (maximum == expected)   /* both partitions trivial (one cluster, or all singletons) */
    return 1.0;
  return (index - expected) / (maximum - expected);
}

double
sd_cluster_purity (const guint *clusters,
                   const guint *classes,
                   gsize        n)
{
  guint rc, rk;
  g_autofree gsize *table = NULL;
  gsize agree = 0;

  if (n == 0)
    return 1.0;
  rc = max_label (clusters, n) + 1;
  rk = max_label (classes, n) + 1;
  table = g_new0 (gsize, (gsize) rc * rk);
  for (gsize i = 0; i < n; i++)
    table[(gsize) clusters[i] * rk + classes[i]]++;
  for (guint c = 0; c < rc; c++)
    {
      gsize best = 0;
      for (guint j = 0; j < rk; j++)
        best = MAX (best, table[(gsize) c * rk + j]);
      agree += best;
    }
  return (double) agree / (double) n;
}

/* Rows of distances computed at once with one dgemm. */
#define SILHOUETTE_BLOCK 128

double
sd_cluster_silhouette (const double *data,
                       gsize         n,
                       guint         d,
                       const guint  *labels,
                       guint         k,
                       gsize         max_sample)
{
  g_autofree double *sum = g_new (double, MAX (k, 1));
  g_autofree gsize *count = g_new0 (gsize, MAX (k, 1));
  g_autofree double *norms = NULL;
  g_autofree double *rows = NULL;
  g_autofree double *gram = NULL;
  g_autofree gsize *picked = NULL;
  gsize step, m = 0, sampled = 0;
  double total = 0;

  if (n < 2 || k < 2)
    return 0;
  for (gsize i = 0; i < n; i++)
    count[labels[i]]++;
  /* Every step-th row: a fixed sample, so the same clustering scores the same. */
  step = max_sample > 0 && n > max_sample ? (n + max_sample - 1) / max_sample : 1;
  picked = g_new (gsize, n / step + 1);
  for (gsize i = 0; i < n; i += step)
    picked[m++] = i;
  norms = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    norms[i] = cblas_ddot ((int) d, data + i * d, 1, data + i * d, 1);
  rows = g_new (double, (gsize) SILHOUETTE_BLOCK * d);
  gram = g_new (double, (gsize) SILHOUETTE_BLOCK * n);

  for (gsize start = 0; start < m; start += SILHOUETTE_BLOCK)
    {
      gsize b = MIN (SILHOUETTE_BLOCK, m - start);

      for (gsize r = 0; r < b; r++)
        memcpy (rows + r * d, data + picked[start + r] * d, d * sizeof (double));
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) b, (int) n, (int) d, 1.0,
                   rows, (int) d, data, (int) d, 0.0, gram, (int) n);
      for (gsize r = 0; r < b; r++)
        {
          gsize i = picked[start + r];
          guint own = labels[i];
          double a, bmin = INFINITY;

          memset (sum, 0, k * sizeof (double));
          for (gsize j = 0; j < n; j++)
            {
              double sq = norms[i] + norms[j] - 2 * gram[r * n + j];
              if (j != i)
                sum[labels[j]] += sq > 0 ? sqrt (sq) : 0;
            }
          sampled++;
          if (count[own] < 2)
            continue;   /* a singleton counts as 0 */
          a = sum[own] / (count[own] - 1);
          for (guint c = 0; c < k; c++)
            if (c != own && count[c] > 0)
              bmin = MIN (bmin, sum[c] / count[c]);
          if (isfinite (bmin) && MAX (a, bmin) > 0)
            total += (bmin - a) / MAX (a, bmin);
        }
    }
  return sampled ? total / sampled : 0;
}
