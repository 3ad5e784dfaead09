/* sd-embed.c — UMAP-style neighbour-preserving layout, and k-NN recall of a map */
#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sd-embed.h"
#include "sd-random.h"

/* Rows of the Gram matrix computed at once: 256 × n doubles stays in a few megabytes
 * for the few thousand customers a map shows. */
#define BLOCK 256
/* The curve 1 / (1 + a d^2b) that UMAP fits for min_dist 0.1, spread 1: near points at
 * about a tenth of a unit, so groups read as blobs and not as single dots. */
#define CURVE_A 1.577
#define CURVE_B 0.895
#define NEGATIVE_SAMPLES 5
#define GRADIENT_CLIP 4.0

/* Inserts (@index, @dist) into the sorted top-@k lists if it belongs there. */
static void
keep_nearest (guint  *idx,
              double *dist,
              guint   k,
              guint  *filled,
              guint   index,
              double  d)
{
  guint pos;

  if (*filled == k && d >= dist[k - 1])
    return;
  pos = *filled < k ? (*filled)++ : k - 1;
  while (pos > 0 && dist[pos - 1] > d)
    {
      dist[pos] = dist[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
  dist[pos] = d;
  idx[pos] = index;
}

gboolean
sd_embed_knn (const double  *data,
              gsize          n,
              guint          d,
              guint          k,
              guint         *neighbours,
              double        *distances,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree double *norms = g_new (double, MAX (n, 1));
  g_autofree double *gram = NULL;
  g_autofree double *dist = g_new (double, MAX (k, 1));
  g_autofree guint *idx = g_new (guint, MAX (k, 1));

  k = MIN (k, n > 0 ? n - 1 : 0);
  if (k == 0)
    return TRUE;
  for (gsize i = 0; i < n; i++)
    norms[i] = cblas_ddot ((int) d, data + i * d, 1, data + i * d, 1);
  gram = g_new (double, (gsize) BLOCK * n);
  for (gsize start = 0; start < n; start += BLOCK)
    {
      gsize rows = MIN (BLOCK, n - start);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      /* gram[r, j] = row (start + r) · row j */
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) rows, (int) n, (int) d, 1.0,
                   data + start * d, (int) d, data, (int) d, 0.0, gram, (int) n);
      for (gsize r = 0; r < rows; r++)
        {
          gsize i = start + r;
          guint filled = 0;
          for (gsize j = 0; j < n; j++)
            {
              double sq;
              if (j == i)
                continue;
              sq = norms[i] + norms[j] - 2 * gram[r * n + j];
              keep_nearest (idx, dist, k, &filled, (guint) j, sq > 0 ? sq : 0);
            }
          for (guint t = 0; t < k; t++)
            {
              neighbours[i * k + t] = idx[t];
              if (distances)
                distances[i * k + t] = sqrt (dist[t]);
            }
        }
    }
  return TRUE;
}

typedef struct {
  guint  a, b;
  double weight;
} Edge;

/* The fuzzy neighbourhood of a point: weights exp(−(d − ρ) / σ), ρ the distance to the
 * nearest neighbour (so every point is surely connected to one) and σ chosen by bisection
 * so that the weights add up to log2 k — each point sees the same effective number of
 * neighbours however dense its region is. */
static void
fuzzy_weights (const double *dist,
               guint         k,
               double       *w)
{
  double rho = dist[0], target = log2 ((double) k), lo = 0, hi = INFINITY, sigma = 1;

  for (int iter = 0; iter < 64; iter++)
    {
      double sum = 0;
      for (guint t = 0; t < k; t++)
        {
          double e = dist[t] - rho;
          sum += e > 0 ? exp (-e / sigma) : 1.0;
        }
      if (fabs (sum - target) < 1e-5)
        break;
      if (sum > target)
        {
          hi = sigma;
          sigma = (lo + hi) / 2;
        }
      else
        {
          lo = sigma;
          sigma = isinf (hi) ? sigma * 2 : (lo + hi) / 2;
        }
    }
  sigma = MAX (sigma, 1e-3 * rho + 1e-12);
  for (guint t = 0; t < k; t++)
    {
      double e = dist[t] - rho;
      w[t] = e > 0 ? exp (-e / sigma) : 1.0;
    }
}

static double
clip (double g)
{
  return g > GRADIENT_CLIP ? GRADIENT_CLIP : g < -GRADIENT_CLIP ? -GRADIENT_CLIP : g;
}

gboolean
sd_embed_layout (const double    *data,
                 gsize            n,
                 guint            d,
                 guint            n_neighbours,
                 guint            n_epochs,
                 guint64          seed,
                 const double    *init,
                 double          *out,
                 SdEmbedProgress  progress,
                 gpointer         user_data,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autofree guint *nn = NULL;
  g_autofree double *nd = NULL;
  g_autofree double *w = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GArray) edges = NULL;
  g_autofree double *every = NULL;
  g_autofree double *next = NULL;
  guint64 state = seed;
  double max_w = 0, lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
  guint k = MIN (n_neighbours, n > 1 ? n - 1 : 0);

  if (n == 0)
    return TRUE;
  if (k == 0)
    {
      memset (out, 0, n * 2 * sizeof (double));
      return TRUE;
    }
  if (n_epochs == 0)
    n_epochs = n <= 10000 ? 200 : 120;

  nn = g_new (guint, n * k);
  nd = g_new (double, n * k);
  if (!sd_embed_knn (data, n, d, k, nn, nd, cancellable, error))
    return FALSE;

  /* Symmetric graph: w(i, j) = a + b − ab of the two directed weights (fuzzy union). */
  w = g_new (double, n * k);
  for (gsize i = 0; i < n; i++)
    fuzzy_weights (nd + i * k, k, w + i * k);
  seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  {
    g_autofree gint64 *keys = g_new (gint64, n * k);
    for (gsize i = 0; i < n; i++)
      for (guint t = 0; t < k; t++)
        {
          guint j = nn[i * k + t];
          guint a = MIN ((guint) i, j), b = MAX ((guint) i, j);
          double wij = w[i * k + t], wji = 0;
          gint64 *key = &keys[i * k + t];

          *key = ((gint64) a << 32) | b;
          if (g_hash_table_contains (seen, key))
            continue;
          g_hash_table_add (seen, key);
          /* The reverse weight, when i is among j's neighbours too. */
          for (guint s = 0; s < k; s++)
            if (nn[(gsize) j * k + s] == i)
              {
                wji = w[(gsize) j * k + s];
                break;
              }
          {
            Edge e = { a, b, wij + wji - wij * wji };
            g_array_append_val (edges, e);
            max_w = MAX (max_w, e.weight);
          }
        }
    g_hash_table_remove_all (seen);
  }

  /* Start from @init scaled into a box of side 10, else from a random spread. */
  if (init)
    {
      for (gsize i = 0; i < n; i++)
        for (int c = 0; c < 2; c++)
          {
            lo[c] = MIN (lo[c], init[2 * i + c]);
            hi[c] = MAX (hi[c], init[2 * i + c]);
          }
      for (gsize i = 0; i < n; i++)
        for (int c = 0; c < 2; c++)
          out[2 * i + c] = hi[c] > lo[c] ? 10 * (init[2 * i + c] - lo[c]) / (hi[c] - lo[c]) : 0;
    }
  else
    for (gsize i = 0; i < 2 * n; i++)
      out[i] = 10 * sd_splitmix64_float (&state);

  /* Each edge is sampled every max_w / weight epochs, as UMAP does: strong ties pull
   * often, weak ones seldom. */
  every = g_new (double, edges->len);
  next = g_new (double, edges->len);
  for (guint e = 0; e < edges->len; e++)
    {
      every[e] = max_w / MAX (g_array_index (edges, Edge, e).weight, 1e-9);
      next[e] = every[e];
    }

  for (guint epoch = 1; epoch <= n_epochs; epoch++)
    {
      double alpha = 1.0 - (double) (epoch - 1) / n_epochs;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (guint e = 0; e < edges->len; e++)
        {
          const Edge *edge = &g_array_index (edges, Edge, e);
          double *p, *q, dx, dy, d2, coef;

          if (next[e] > epoch)
            continue;
          next[e] += every[e];

          p = out + 2 * (gsize) edge->a;
          q = out + 2 * (gsize) edge->b;
          dx = p[0] - q[0];
          dy = p[1] - q[1];
          d2 = dx * dx + dy * dy;
          if (d2 > 0)
            {
              double pb = pow (d2, CURVE_B);   /* d^2b; d^2(b−1) is pb / d2: one pow, not two */
              coef = -2.0 * CURVE_A * CURVE_B * (pb / d2) / (1 + CURVE_A * pb);
            }
          else
            coef = 0;
          {
            double gx = clip (coef * dx) * alpha, gy = clip (coef * dy) * alpha;
            p[0] += gx;
            p[1] += gy;
            q[0] -= gx;
            q[1] -= gy;
          }
          for (int s = 0; s < NEGATIVE_SAMPLES; s++)
            {
              gsize o = sd_splitmix64 (&state) % n;
              double *r = out + 2 * o;
              if (o == edge->a)
                continue;
              dx = p[0] - r[0];
              dy = p[1] - r[1];
              d2 = dx * dx + dy * dy;
              coef = 2.0 * CURVE_B / ((0.001 + d2) * (1 + CURVE_A * pow (d2, CURVE_B)));
              if (d2 > 0)
                {
                  p[0] += clip (coef * dx) * alpha;
                  p[1] += clip (coef * dy) * alpha;
                }
            }
        }
      if (progress && (epoch % 10 == 0 || epoch == n_epochs))
        progress ((double) epoch / n_epochs, user_data);
    }
  return TRUE;
}

static gboolean
contains (const guint *set,
          guint        k,
          guint        value)
{
  for (guint t = 0; t < k; t++)
    if (set[t] == value)
      return TRUE;
  return FALSE;
}

double
sd_embed_knn_recall (const double *data,
                     gsize         n,
                     guint         d,
                     const double *xy,
                     guint         k)
{
  g_autofree guint *high = NULL;
  g_autofree guint *low = NULL;
  gsize kept = 0;

  if (n <= k || k == 0)
    return NAN;
  high = g_new (guint, n * k);
  low = g_new (guint, n * k);
  if (!sd_embed_knn (data, n, d, k, high, NULL, NULL, NULL) ||
      !sd_embed_knn (xy, n, 2, k, low, NULL, NULL, NULL))
    return NAN;
  for (gsize i = 0; i < n; i++)
    for (guint t = 0; t < k; t++)
      kept += contains (high + i * k, k, low[i * k + t]);
  return (double) kept / ((double) n * k);
}
