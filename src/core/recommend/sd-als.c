/* sd-als.c — implicit-feedback ALS (Hu, Koren, Volinsky 2008)
 *
 * For user u with items j and confidences c_uj = 1 + alpha * r_uj the normal equations are
 *   (YᵀY + Σ_j (c_uj - 1) y_j y_jᵀ + λI) x_u = Σ_j c_uj y_j,
 * so the dense Gram YᵀY is formed once per half-step (dsyrk) and each row only adds the
 * rank-n_u correction of its own items: the cost is O(nnz k² + n k³), never O(users × items).
 *
 * Linear algebra is written against column-major k × k buffers: a row-major item factor
 * row is a contiguous k-vector, i.e. a column of Yᵀ, which is what dsyrk/dgemv want.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#include <lapack.h>

#include "sd-als.h"
#include "sd-error.h"

GType
sd_als_solver_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SD_ALS_CHOLESKY, "SD_ALS_CHOLESKY", "cholesky" },
        { SD_ALS_CG, "SD_ALS_CG", "cg" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("SdAlsSolver", values));
    }
  return type;
}

GType
sd_als_precision_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SD_ALS_DOUBLE, "SD_ALS_DOUBLE", "double" },
        { SD_ALS_FLOAT, "SD_ALS_FLOAT", "float" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("SdAlsPrecision", values));
    }
  return type;
}

struct _SdAls
{
  SdRecommender parent_instance;

  /* hyperparameters */
  int      factors;
  double   reg;
  double   alpha;
  int      iterations;
  guint    seed;
  SdAlsSolver solver;
  SdAlsPrecision precision;
  int      cg_steps;
  int      threads;

  /* learned state */
  guint    n_users;
  guint    n_items;
  guint    k;
  gpointer X;          /* n_users × k, row-major: float after a float fit, else double */
  gboolean x_single;
  double  *Y;          /* n_items × k, row-major */
  double  *gram_y;     /* YᵀY (k × k, lower), kept for explain() */

  gboolean      distributed;
  SdAlsExchange exchange;

  SdAlsStats stats;
};

G_DEFINE_FINAL_TYPE (SdAls, sd_als, SD_TYPE_RECOMMENDER)

enum {
  PROP_0,
  PROP_FACTORS,
  PROP_REG,
  PROP_ALPHA,
  PROP_ITERATIONS,
  PROP_SEED,
  PROP_SOLVER,
  PROP_CG_STEPS,
  PROP_THREADS,
  PROP_PRECISION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The rows a half-step solves: a CSR slice plus the fixed side's factors, in the
 * precision of the fit (double or float; the pointers are of that type). */
typedef struct {
  const gsize  *indptr;
  const guint  *indices;
  const float  *values;
  guint         row_begin;
  guint         row_end;
  void         *out;        /* rows being solved, n × k, row-major */
  const void   *fixed;      /* the other side, m × k, row-major */
  const void   *system;     /* M = fixedᵀ fixed + λI, k × k, both triangles */
  const void   *chol;       /* its Cholesky factor L (lower), NULL when M is not definite */
  guint         k;
  double        alpha;
  gboolean      use_cg;
  int           cg_steps;
  GCancellable *cancellable;

  /* results */
  double        flops;
  double        blas_seconds;
  gboolean      cancelled;
} SolveTask;

static inline double
clock_seconds (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* BLAS time is the solving thread's CPU time: on a machine shared with other work, wall
 * time would count the moments the thread waited for a core. */
static inline double
now_seconds (void)
{
  return clock_seconds (CLOCK_THREAD_CPUTIME_ID);
}

/* Rows per group: enough columns for the group's gemm and triangular solves to run at
 * BLAS speed, few enough that its buffers stay in cache. */
static inline guint
als_block_rows (guint k)
{
  return CLAMP (4096 / MAX (k, 1), 4, 64);
}

/* Item columns one group gathers at most (rows beyond are taken a chunk at a time). */
#define ALS_CELLS_CAP(k) MAX ((gsize) als_block_rows (k) * ((k) / 2 + 1), (gsize) (1 << 19) / (k))
#define ALS_CHUNK 1024
/* Cells ahead whose factor row is fetched into cache while this one is copied. */
#define ALS_PREFETCH 6

#define ALS_REAL double
#define ALS_SUFFIX _d
#define ALS_GEMM cblas_dgemm
#define ALS_GEMV cblas_dgemv
#define ALS_SYRK cblas_dsyrk
#define ALS_TRSM cblas_dtrsm
#define ALS_AXPY cblas_daxpy
#define ALS_DOT cblas_ddot
#define ALS_SCAL cblas_dscal
#define ALS_POSV LAPACK_dposv
#include "sd-als-rows-private.h"

#define ALS_REAL float
#define ALS_SUFFIX _s
#define ALS_GEMM cblas_sgemm
#define ALS_GEMV cblas_sgemv
#define ALS_SYRK cblas_ssyrk
#define ALS_TRSM cblas_strsm
#define ALS_AXPY cblas_saxpy
#define ALS_DOT cblas_sdot
#define ALS_SCAL cblas_sscal
#define ALS_POSV LAPACK_sposv
#include "sd-als-rows-private.h"

/* G = Fᵀ F (k × k, lower triangle) of row-major factors, summed in double. Float factors
 * go through ssyrk a slab of rows at a time, so a million rows do not pile up rounding
 * in one float accumulator. */
static void
factor_gram (const void *F,
             gboolean    single,
             guint       n,
             guint       k,
             double     *gram,
             double     *flops)
{
  const guint slab = 8192;
  g_autofree float *part = NULL;

  *flops += (double) n * k * (k + 1);
  if (!single)
    {
      cblas_dsyrk (CblasColMajor, CblasLower, CblasNoTrans, k, n, 1.0, F, k, 0.0, gram, k);
      return;
    }
  memset (gram, 0, (gsize) k * k * sizeof (double));
  part = g_new (float, (gsize) k * k);
  for (guint begin = 0; begin < n; begin += slab)
    {
      guint rows = MIN (slab, n - begin);

      cblas_ssyrk (CblasColMajor, CblasLower, CblasNoTrans, k, rows, 1.0f,
                   (const float *) F + (gsize) begin * k, k, 0.0f, part, k);
      for (guint a = 0; a < k; a++)
        for (guint b = a; b < k; b++)
          gram[a * k + b] += part[a * k + b];
    }
}

/* Solves rows [row_begin, row_end) of a side against @fixed, whose Gram matrix is @gram
 * (double, lower triangle): M = G + λI and its Cholesky factor, made in the fit's
 * precision, then the rows on one or two threads. FALSE when cancelled. */
static gboolean
solve_range (SdAls        *self,
             gboolean      single,
             const gsize  *indptr,
             const guint  *indices,
             const float  *values,
             guint         row_begin,
             guint         row_end,
             void         *out,
             const void   *fixed,
             const double *gram,
             GCancellable *cancellable,
             double       *flops,
             double       *blas_seconds)
{
  guint k = self->k;
  gsize kk2 = (gsize) k * k;
  int n_threads = CLAMP (MIN (self->threads, (int) g_get_num_processors ()), 1, 2);
  SolveTask tasks[2];
  GThread *threads[2] = { NULL, NULL };
  gboolean cancelled = FALSE, definite;
  g_autofree double *system = g_new (double, kk2);
  g_autofree double *chol = g_new (double, kk2);
  g_autofree float *system_s = single ? g_new (float, kk2) : NULL;
  g_autofree float *chol_s = single ? g_new (float, kk2) : NULL;
  int kk = (int) k, info = 0;
  guint block = als_block_rows (k);

  for (guint a = 0; a < k; a++)
    for (guint b = a; b < k; b++)
      system[a * k + b] = system[b * k + a] = gram[a * k + b] + (a == b ? self->reg : 0.0);
  if (single)
    for (gsize i = 0; i < kk2; i++)
      chol_s[i] = system_s[i] = (float) system[i];
  else
    memcpy (chol, system, kk2 * sizeof (double));
  if (single)
    LAPACK_spotrf ("L", &kk, chol_s, &kk, &info);
  else
    LAPACK_dpotrf ("L", &kk, chol, &kk, &info);
  /* With reg = 0 and fewer fixed rows than factors M is singular: every row then forms
   * its own system. */
  definite = info == 0;
  *flops += (double) k * k * k / 3.0;

  if (row_end - row_begin < 2 * block)
    n_threads = 1;

  for (int i = 0; i < n_threads; i++)
    tasks[i] = (SolveTask) {
      .indptr = indptr, .indices = indices, .values = values,
      .out = out, .fixed = fixed, .k = k,
      .system = single ? (const void *) system_s : system,
      .chol = !definite ? NULL : single ? (const void *) chol_s : chol,
      .alpha = self->alpha,
      .use_cg = self->solver == SD_ALS_CG, .cg_steps = self->cg_steps,
      .cancellable = cancellable,
      .row_begin = row_begin, .row_end = row_end,
    };

  if (n_threads == 2)
    {
      /* Split where half the work is (a row costs about k/3 + n_u, in units of k²), on a
       * group boundary so that the groups are those of one thread. */
      double per_row = k / 3.0, total = 0, acc = 0;
      guint split = row_begin + (row_end - row_begin) / 2;

      for (guint u = row_begin; u < row_end; u++)
        total += per_row + (indptr[u + 1] - indptr[u]);
      for (guint u = row_begin; u < row_end; u++)
        {
          acc += per_row + (indptr[u + 1] - indptr[u]);
          if (acc >= total / 2)
            {
              split = u + 1;
              break;
            }
        }
      split = MAX (row_begin, MIN (row_end, (split + block / 2) / block * block));
      tasks[0].row_end = split;
      tasks[1].row_begin = split;
    }

  for (int i = 1; i < n_threads; i++)
    threads[i] = g_thread_new ("sd-als", single ? solve_rows_s : solve_rows_d, &tasks[i]);
  (single ? solve_rows_s : solve_rows_d) (&tasks[0]);
  for (int i = 1; i < n_threads; i++)
    g_thread_join (threads[i]);

  for (int i = 0; i < n_threads; i++)
    {
      *flops += tasks[i].flops;
      *blas_seconds += tasks[i].blas_seconds;
      cancelled |= tasks[i].cancelled;
    }
  return !cancelled;
}

/* Rows [begin, end) cut into @n_parts contiguous ranges of about the same work (a row
 * costs about k³/3 + n_u k²): part p is [starts[p], starts[p + 1]). */
static void
split_rows (const gsize *indptr,
            guint        begin,
            guint        end,
            guint        k,
            int          n_parts,
            guint       *starts)
{
  double per_row = k / 3.0, total = 0, acc = 0;
  int part = 1;

  for (guint u = begin; u < end; u++)
    total += per_row + (indptr[u + 1] - indptr[u]);
  starts[0] = begin;
  for (guint u = begin; u < end && part < n_parts; u++)
    {
      acc += per_row + (indptr[u + 1] - indptr[u]);
      while (part < n_parts && acc >= total * part / n_parts)
        starts[part++] = u + 1;
    }
  while (part <= n_parts)
    starts[part++] = end;
}

/* In a distributed fit, replaces @buf (@n doubles) on every rank by the sum of every rank's
 * @buf, added in rank order, and *stop by whether any rank stops (cancelled here, or told
 * to). A local fit has nothing to add. */
static gboolean
exchange_sum (SdAls        *self,
              double       *buf,
              gsize         n,
              GCancellable *cancellable,
              gboolean     *stop,
              GError      **error)
{
  const SdAlsExchange *ex = &self->exchange;
  g_autofree double *mine = NULL;
  g_autofree double *all = NULL;

  if (!self->distributed)
    return TRUE;
  mine = g_new (double, n + 1);
  all = g_new (double, (n + 1) * ex->n_ranks);
  memcpy (mine, buf, n * sizeof (double));
  mine[n] = *stop || g_cancellable_is_cancelled (cancellable);
  if (!ex->allgather (mine, n + 1, all, ex->user_data, error))
    return FALSE;
  memset (buf, 0, n * sizeof (double));
  for (int r = 0; r < ex->n_ranks; r++)
    {
      const double *part = all + (n + 1) * r;

      for (gsize i = 0; i < n; i++)
        buf[i] += part[i];
      *stop |= part[n] != 0;
    }
  return TRUE;
}

static gboolean
set_cancelled (GCancellable *cancellable,
               GError      **error)
{
  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("ALS training was cancelled"));
  return FALSE;
}

/* One half-step: this rank's rows of @out (all of them in a local fit) against @fixed,
 * whose Gram is summed from every rank's rows; then the solved rows are gathered. FALSE
 * with @error when cancelled or the exchange failed. A distributed fit is in double (the
 * exchange carries doubles). */
static gboolean
half_step (SdAls        *self,
           gboolean      single,
           const gsize  *indptr,
           const guint  *indices,
           const float  *values,
           const guint  *out_starts,
           void         *out,
           const guint  *fixed_starts,
           const void   *fixed,
           double       *gram,
           GCancellable *cancellable,
           gboolean     *stop,
           GError      **error)
{
  guint k = self->k;
  int rank = self->distributed ? self->exchange.rank : 0;
  guint fixed_begin = fixed_starts[rank], fixed_end = fixed_starts[rank + 1];
  gsize elem = single ? sizeof (float) : sizeof (double);
  double start = now_seconds ();

  factor_gram ((const char *) fixed + (gsize) fixed_begin * k * elem, single,
               fixed_end - fixed_begin, k, gram, &self->stats.flops);
  self->stats.blas_seconds += now_seconds () - start;
  if (!exchange_sum (self, gram, (gsize) k * k, cancellable, stop, error))
    return FALSE;
  if (*stop)
    return set_cancelled (cancellable, error);

  if (!solve_range (self, single, indptr, indices, values, out_starts[rank], out_starts[rank + 1],
                    out, fixed, gram, cancellable, &self->stats.flops, &self->stats.blas_seconds))
    {
      /* The other ranks learn of it at the next sum; until then this one keeps step. */
      if (!self->distributed)
        return set_cancelled (cancellable, error);
      *stop = TRUE;
    }
  return !self->distributed
         || self->exchange.allgather_rows (out, out_starts, k, self->exchange.user_data, error);
}

gboolean
sd_als_solve_rows (SdAls        *self,
                   const gsize  *indptr,
                   const guint  *indices,
                   const float  *values,
                   guint         row_begin,
                   guint         row_end,
                   double       *out,
                   const double *fixed,
                   const double *gram,
                   GCancellable *cancellable,
                   GError      **error)
{
  double flops = 0, seconds = 0;
  guint fitted_k = self->k;
  gboolean ok;

  g_return_val_if_fail (SD_IS_ALS (self), FALSE);
  g_return_val_if_fail (row_begin <= row_end, FALSE);

  /* the fitted model, if any, keeps its own k */
  self->k = (guint) self->factors;
  ok = solve_range (self, FALSE, indptr, indices, values, row_begin, row_end, out, fixed, gram,
                    cancellable, &flops, &seconds);
  self->k = fitted_k;
  if (ok)
    return TRUE;
  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("ALS training was cancelled"));
  return FALSE;
}

/* x·y with four partial sums, so the compiler need not wait on one accumulator. */
#define DEFINE_DOT(name, type)                                   \
  static inline double                                          \
  name (const type *x, const type *y, guint k)                  \
  {                                                             \
    type s0 = 0, s1 = 0, s2 = 0, s3 = 0;                        \
    guint f = 0;                                                \
    for (; f + 4 <= k; f += 4)                                  \
      {                                                         \
        s0 += x[f] * y[f];                                      \
        s1 += x[f + 1] * y[f + 1];                              \
        s2 += x[f + 2] * y[f + 2];                              \
        s3 += x[f + 3] * y[f + 3];                              \
      }                                                         \
    for (; f < k; f++)                                          \
      s0 += x[f] * y[f];                                        \
    return (double) ((s0 + s1) + (s2 + s3));                    \
  }
DEFINE_DOT (dot_d, double)
DEFINE_DOT (dot_s, float)

/* Σ_ui c_ui (p_ui - x_uᵀy_i)² + λ(‖X‖² + ‖Y‖²), with the sum over every cell taken as
 * tr(XᵀX YᵀY) (all cells with c = 1, p = 0) plus corrections on the observed cells. The
 * same definition in both precisions; sums are kept in double. Each rank adds its users'
 * part of XᵀX and of the corrections; @gram_y is YᵀY, whole. */
static gboolean
weighted_loss (SdAls          *self,
               gboolean        single,
               const void     *X,
               const void     *Y,
               SdInteractions *train,
               const guint    *user_starts,
               double         *gram_x,
               const double   *gram_y,
               GCancellable   *cancellable,
               gboolean       *stop,
               double         *loss,
               GError        **error)
{
  guint k = self->k;
  int rank = self->distributed ? self->exchange.rank : 0;
  guint begin = user_starts[rank], end = user_starts[rank + 1];
  gsize elem = single ? sizeof (float) : sizeof (double);
  double all = 0, observed = 0, norms = 0, flops = 0;

  factor_gram ((const char *) X + (gsize) begin * k * elem, single, end - begin, k, gram_x, &flops);

  for (guint u = begin; u < end; u++)
    for (gsize p = train->indptr[u]; p < train->indptr[u + 1]; p++)
      {
        gsize i = train->indices[p];
        double c = 1.0 + self->alpha * train->values[p];
        double s = single
          ? dot_s ((const float *) X + (gsize) u * k, (const float *) Y + i * k, k)
          : dot_d ((const double *) X + (gsize) u * k, (const double *) Y + i * k, k);

        observed += c * (1.0 - s) * (1.0 - s) - s * s;
      }

  /* The corrections ride along after XᵀX, so one exchange sums both. */
  gram_x[(gsize) k * k] = observed;
  if (!exchange_sum (self, gram_x, (gsize) k * k + 1, cancellable, stop, error))
    return FALSE;
  if (*stop)
    return set_cancelled (cancellable, error);
  observed = gram_x[(gsize) k * k];

  for (guint a = 0; a < k; a++)
    {
      all += gram_x[a * k + a] * gram_y[a * k + a];
      for (guint b = a + 1; b < k; b++)
        all += 2.0 * gram_x[a * k + b] * gram_y[a * k + b];
      norms += gram_x[a * k + a] + gram_y[a * k + a];
    }

  *loss = all + observed + self->reg * norms;
  return TRUE;
}

/* Every rank must fit the same matrix, and a shop copied to each node may not be the same:
 * the ranks compare its size and the sum of its values before any factor moves. */
static gboolean
same_data_everywhere (SdAls          *self,
                      SdInteractions *train,
                      GError        **error)
{
  const SdAlsExchange *ex = &self->exchange;
  double mine[4] = { train->n_users, train->n_items, (double) train->nnz, 0 };
  g_autofree double *all = g_new (double, 4 * ex->n_ranks);

  for (gsize p = 0; p < train->nnz; p++)
    mine[3] += train->values[p];
  if (!ex->allgather (mine, 4, all, ex->user_data, error))
    return FALSE;
  for (int r = 0; r < ex->n_ranks; r++)
    {
      const double *theirs = all + 4 * r;

      if (memcmp (theirs, mine, sizeof mine) != 0)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("Rank %d of the distributed fit reads other interactions than rank %d "
                         "(%.0f customers × %.0f products, %.0f interactions there; %.0f × %.0f, "
                         "%.0f here): every rank must read the same shop"),
                       r, ex->rank, theirs[0], theirs[1], theirs[2], mine[0], mine[1], mine[2]);
          return FALSE;
        }
    }
  return TRUE;
}

static void
update_item_gram (SdAls *self)
{
  g_clear_pointer (&self->gram_y, g_free);
  if (self->Y == NULL)
    return;
  self->gram_y = g_new0 (double, (gsize) self->k * self->k);
  cblas_dsyrk (CblasColMajor, CblasLower, CblasNoTrans, self->k, self->n_items, 1.0,
               self->Y, self->k, 0.0, self->gram_y, self->k);
}

/* The item-major copy of the matrix with only what ALS reads (no times, no id maps):
 * for a million customers that is hundreds of MB the model need not hold. */
typedef struct {
  gsize *indptr;
  guint *indices;
  float *values;
  guint  n_rows;
} ItemRows;

static void
item_rows_init (ItemRows             *t,
                const SdInteractions *train)
{
  gsize *next;

  t->n_rows = train->n_items;
  t->indptr = g_new0 (gsize, (gsize) train->n_items + 1);
  t->indices = g_new (guint, MAX (train->nnz, 1));
  t->values = g_new (float, MAX (train->nnz, 1));
  for (gsize p = 0; p < train->nnz; p++)
    t->indptr[train->indices[p] + 1]++;
  for (guint i = 0; i < train->n_items; i++)
    t->indptr[i + 1] += t->indptr[i];
  next = g_memdup2 (t->indptr, sizeof (gsize) * MAX (train->n_items, 1));
  /* walking users in order keeps each item's users ascending */
  for (guint u = 0; u < train->n_users; u++)
    for (gsize p = train->indptr[u]; p < train->indptr[u + 1]; p++)
      {
        gsize dst = next[train->indices[p]]++;

        t->indices[dst] = u;
        t->values[dst] = train->values[p];
      }
  g_free (next);
}

static void
item_rows_clear (ItemRows *t)
{
  g_free (t->indptr);
  g_free (t->indices);
  g_free (t->values);
}

/* Float factors widened to double in the same block (the model keeps double factors). */
static double *
widen_factors (float *f,
               gsize  n)
{
  double *d = g_realloc (f, MAX (n, 1) * sizeof (double));
  const float *src = (const float *) d;

  /* from the end: double i covers floats 2i and 2i+1, which are read before */
  for (gsize i = n; i-- > 0; )
    d[i] = src[i];
  return d;
}

/* Reports an epoch. Its callback scores with the model as it is now (the validation curve
 * of a run), so this iteration's factors are lent to the model while it runs: the user
 * factors as they are, the item factors widened to double as scoring reads them. Without a
 * callback nothing is lent, and no copy made. */
static gboolean
report_epoch (SdAls              *self,
              const SdFitContext *report,
              gboolean            single,
              gpointer            X,
              gpointer            Y,
              int                 epoch,
              double              loss,
              GError            **error)
{
  g_autofree double *y_wide = NULL;
  gboolean ok;

  if (report->epoch_done == NULL)
    return sd_recommender_report_epoch (SD_RECOMMENDER (self), report, epoch, self->iterations, loss, error);
  if (single)
    {
      gsize n = (gsize) self->n_items * self->k;

      y_wide = g_new (double, MAX (n, 1));
      for (gsize i = 0; i < n; i++)
        y_wide[i] = ((const float *) Y)[i];
    }
  self->X = X;
  self->x_single = single;
  self->Y = single ? y_wide : Y;
  ok = sd_recommender_report_epoch (SD_RECOMMENDER (self), report, epoch, self->iterations, loss, error);
  self->X = NULL;
  self->Y = NULL;
  return ok;
}

static gboolean
sd_als_fit (SdRecommender      *model,
            SdInteractions     *train,
            const SdFitContext *context,
            GError            **error)
{
  SdAls *self = SD_ALS (model);
  GCancellable *cancellable = context ? context->cancellable : NULL;
  SdFitContext report = context ? *context : (SdFitContext) { NULL };
  /* a distributed fit exchanges doubles */
  gboolean single = self->precision == SD_ALS_FLOAT && !self->distributed;
  gsize elem = single ? sizeof (float) : sizeof (double);
  ItemRows items;
  g_autofree gpointer old_X = NULL;
  g_autofree double *old_Y = NULL;
  gboolean old_x_single = self->x_single;
  g_autofree double *old_gram = NULL;
  g_autofree double *gram = NULL;
  g_autofree double *gram_x = NULL;
  gpointer X, Y;
  guint old_users = self->n_users, old_items = self->n_items, old_k = self->k;
  guint k = (guint) self->factors;
  int old_blas_threads = openblas_get_num_threads ();
  int n_parts = self->distributed ? self->exchange.n_ranks : 1;
  g_autofree guint *user_starts = g_new (guint, n_parts + 1);
  g_autofree guint *item_starts = g_new (guint, n_parts + 1);
  g_autoptr(GRand) rand = NULL;
  gboolean ok = TRUE, stop = FALSE;

  if (self->distributed && !same_data_everywhere (self, train, error))
    return FALSE;
  item_rows_init (&items, train);

  /* Kept so a cancelled or failed fit leaves the previous model as it was. */
  old_X = g_steal_pointer (&self->X);
  old_Y = g_steal_pointer (&self->Y);
  old_gram = g_steal_pointer (&self->gram_y);

  self->n_users = train->n_users;
  self->n_items = train->n_items;
  self->k = k;
  /* Trained in the fit's precision; float factors are widened to double at the end. */
  X = g_malloc (MAX ((gsize) self->n_users * k, 1) * elem);
  Y = g_malloc (MAX ((gsize) self->n_items * k, 1) * elem);
  gram = g_new0 (double, (gsize) k * k);
  gram_x = g_new0 (double, (gsize) k * k + 1);
  /* The ranks' blocks; a local fit is the one block of everything. */
  split_rows (train->indptr, 0, self->n_users, k, n_parts, user_starts);
  split_rows (items.indptr, 0, self->n_items, k, n_parts, item_starts);

  /* The same draws in both precisions: items first, then users. */
  rand = g_rand_new_with_seed (self->seed);
  for (gsize i = 0; i < (gsize) self->n_items * k; i++)
    {
      double v = (g_rand_double (rand) - 0.5) * 0.2 / sqrt (k);

      if (single)
        ((float *) Y)[i] = (float) v;
      else
        ((double *) Y)[i] = v;
    }
  for (gsize i = 0; i < (gsize) self->n_users * k; i++)
    {
      double v = (g_rand_double (rand) - 0.5) * 0.2 / sqrt (k);

      if (single)
        ((float *) X)[i] = (float) v;
      else
        ((double *) X)[i] = v;
    }

  /* The per-row systems are k × k: far too small for BLAS threads to pay, and our own
   * threads (at most two) already use the cores. */
  openblas_set_num_threads (1);

  memset (&self->stats, 0, sizeof self->stats);
  for (int it = 0; it < self->iterations && ok; it++)
    {
      double start = clock_seconds (CLOCK_MONOTONIC);
      double start_cpu = clock_seconds (CLOCK_PROCESS_CPUTIME_ID);
      double loss;

      /* Items first, users last: the user factors then solve exactly against the final
       * item factors, which is what makes explain()'s split of a score exact. */
      ok = half_step (self, single, items.indptr, items.indices, items.values, item_starts, Y,
                      user_starts, X, gram, cancellable, &stop, error)
           && half_step (self, single, train->indptr, train->indices, train->values, user_starts, X,
                         item_starts, Y, gram, cancellable, &stop, error)
           && weighted_loss (self, single, X, Y, train, user_starts, gram_x, gram, cancellable,
                             &stop, &loss, error);
      if (!ok)
        break;
      self->stats.seconds += clock_seconds (CLOCK_MONOTONIC) - start;
      self->stats.cpu_seconds += clock_seconds (CLOCK_PROCESS_CPUTIME_ID) - start_cpu;
      self->stats.iterations++;
      /* A distributed fit acts on a cancel only through the sums, where every rank learns
       * of it at the same step: one stopping on its own would leave the others waiting. */
      if (self->distributed)
        report.cancellable = NULL;
      ok = report_epoch (self, &report, single, X, Y, it + 1, loss, error);
    }

  openblas_set_num_threads (old_blas_threads);
  item_rows_clear (&items);

  if (!ok)
    {
      g_free (X);
      g_free (Y);
      self->X = g_steal_pointer (&old_X);
      self->x_single = old_x_single;
      self->Y = g_steal_pointer (&old_Y);
      self->gram_y = g_steal_pointer (&old_gram);
      self->n_users = old_users;
      self->n_items = old_items;
      self->k = old_k;
      return FALSE;
    }

  g_clear_pointer (&old_X, g_free);
  g_clear_pointer (&old_Y, g_free);
  /* The user factors stay as they were trained: widened to double they would be the
   * largest thing in memory on a large shop, and a row widened when it is scored gives
   * the same scores. The item factors are few; explain() and scoring read them as double. */
  self->X = X;
  self->x_single = single;
  self->Y = single ? widen_factors (Y, (gsize) self->n_items * k) : Y;
  update_item_gram (self);
  return TRUE;
}

static void
sd_als_score (SdRecommender *model,
              guint          user,
              float         *scores)
{
  SdAls *self = SD_ALS (model);
  guint k = self->k;
  g_autofree double *x = NULL;

  if (self->X == NULL || user >= self->n_users)
    {
      for (guint i = 0; i < self->n_items; i++)
        scores[i] = 0;
      return;
    }

  x = g_new (double, k);
  sd_als_copy_user_factors (self, user, 1, x);
  {
    g_autofree double *s = g_new (double, MAX (self->n_items, 1));

    cblas_dgemv (CblasRowMajor, CblasNoTrans, self->n_items, k, 1.0, self->Y, k, x, 1, 0.0, s, 1);
    for (guint i = 0; i < self->n_items; i++)
      scores[i] = (float) s[i];
  }
}

static int
compare_reasons (gconstpointer a,
                 gconstpointer b)
{
  const SdReason *ra = *(SdReason * const *) a;
  const SdReason *rb = *(SdReason * const *) b;

  return (ra->weight < rb->weight) - (ra->weight > rb->weight);
}

/* score_ui = Σ_j c_uj y_iᵀ W_u y_j with W_u = (YᵀC_uY + λI)⁻¹: each history item j's term is
 * its share of the score, the paper's explanation of a recommendation. */
static GPtrArray *
sd_als_explain (SdRecommender *model,
                guint          user,
                guint          item,
                guint          max)
{
  SdAls *self = SD_ALS (model);
  SdInteractions *train = sd_recommender_get_train (model);
  GPtrArray *reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  guint k = self->k, n;
  g_autofree double *A = NULL;
  g_autofree double *B = NULL;
  g_autofree double *b = NULL;
  g_autofree double *z = NULL;
  SolveTask t;
  int kk = (int) k, one = 1, info = 0;
  double total = 0;

  if (self->X == NULL || self->gram_y == NULL || train == NULL || user >= self->n_users
      || item >= self->n_items || user >= train->n_users)
    return reasons;
  n = (guint) (train->indptr[user + 1] - train->indptr[user]);
  if (n == 0 || max == 0)
    return reasons;

  /* W_u's system, A = YᵀY + λI + B Bᵀ, as the trainer's long rows form it */
  t = (SolveTask) {
    .indices = train->indices, .values = train->values,
    .fixed = self->Y, .k = k, .alpha = self->alpha,
  };
  A = g_new (double, (gsize) k * k);
  B = g_new (double, (gsize) n * k);
  b = g_new0 (double, k);
  gather_d (&t, train->indptr[user], train->indptr[user + 1], B, b);
  memcpy (A, self->gram_y, (gsize) k * k * sizeof (double));
  for (guint f = 0; f < k; f++)
    A[f * k + f] += self->reg;
  cblas_dsyrk (CblasColMajor, CblasLower, CblasNoTrans, k, n, 1.0, B, k, 1.0, A, k);

  z = g_memdup2 (self->Y + (gsize) item * k, k * sizeof (double));
  LAPACK_dposv ("L", &kk, &one, A, &kk, z, &kk, &info);
  if (info != 0)
    return reasons;

  /* The history items' terms sum to the score (Hu, Koren, Volinsky 2008, section 5); some
   * are negative, so a reason's share is of the terms that speak for the item. */
  for (gsize p = train->indptr[user]; p < train->indptr[user + 1]; p++)
    {
      guint j = train->indices[p];
      double c = 1.0 + self->alpha * train->values[p];
      double w = c * cblas_ddot (k, z, 1, self->Y + (gsize) j * k, 1);
      SdReason *reason;

      if (w <= 0)
        continue;
      total += w;
      reason = g_new0 (SdReason, 1);
      reason->kind = SD_REASON_FACTOR;
      reason->item = j;
      reason->weight = w;
      g_ptr_array_add (reasons, reason);
    }
  sd_reasons_set_shares (reasons, total);

  g_ptr_array_sort (reasons, compare_reasons);
  if (reasons->len > max)
    g_ptr_array_set_size (reasons, max);
  return reasons;
}

static void
sd_als_forget_user (SdRecommender *model,
                    guint          user)
{
  SdAls *self = SD_ALS (model);

  gsize elem = self->x_single ? sizeof (float) : sizeof (double);

  if (self->X && user < self->n_users)
    memset ((char *) self->X + (gsize) user * self->k * elem, 0, self->k * elem);
}

/* The saved state is the GVariant "(uuu@ad@ad)" (n_users, n_items, k, X, Y in double),
 * as it always was, but written here a piece at a time: the three numbers, padding to 8,
 * X, Y, then the one framing offset GVariant puts at the end of a tuple (where the first
 * array ends, little-endian, in the smallest size that can address the whole), so that
 * float user factors are widened a slab at a time and never held twice.
 * tests/test-als.c checks the bytes against g_variant_new()'s. */
#define STATE_HEAD 16

static gsize
state_offset_size (gsize body)
{
  /* gvariant-serialiser.c: the offsets are counted in the size they must address */
  if (body + 1 <= G_MAXUINT8)
    return 1;
  if (body + 2 <= G_MAXUINT16)
    return 2;
  if (body + 4 <= G_MAXUINT32)
    return 4;
  return 8;
}

static gsize
state_n_x (SdAls *self)
{
  return self->X ? (gsize) self->n_users * self->k : 0;
}

static gsize
state_n_y (SdAls *self)
{
  return self->Y ? (gsize) self->n_items * self->k : 0;
}

static gsize
sd_als_state_size (SdRecommender *model)
{
  SdAls *self = SD_ALS (model);
  gsize body = STATE_HEAD + (state_n_x (self) + state_n_y (self)) * sizeof (double);

  return body + state_offset_size (body);
}

static gboolean
sd_als_write_state (SdRecommender          *model,
                    SdRecommenderWriteFunc  write,
                    gpointer                user_data,
                    GError                **error)
{
  SdAls *self = SD_ALS (model);
  gsize n_x = state_n_x (self), n_y = state_n_y (self);
  gsize body = STATE_HEAD + (n_x + n_y) * sizeof (double);
  gsize offset_size = state_offset_size (body);
  guint32 head[4] = { self->n_users, self->n_items, self->k, 0 };
  guint64 end_of_x = GUINT64_TO_LE (STATE_HEAD + n_x * sizeof (double));
  const gsize slab = 1 << 16;
  g_autofree double *wide = NULL;

  if (!write (head, sizeof head, user_data, error))
    return FALSE;
  if (self->x_single && n_x > 0)
    {
      wide = g_new (double, MIN (slab, n_x));
      for (gsize begin = 0; begin < n_x; begin += slab)
        {
          gsize n = MIN (slab, n_x - begin);
          const float *from = (const float *) self->X + begin;

          for (gsize i = 0; i < n; i++)
            wide[i] = from[i];
          if (!write (wide, n * sizeof (double), user_data, error))
            return FALSE;
        }
    }
  else if (n_x > 0 && !write (self->X, n_x * sizeof (double), user_data, error))
    return FALSE;
  if (n_y > 0 && !write (self->Y, n_y * sizeof (double), user_data, error))
    return FALSE;
  /* the low bytes of a little-endian number are its first ones */
  return write (&end_of_x, offset_size, user_data, error);
}

static GBytes *
sd_als_save (SdRecommender *model)
{
  GByteArray *out = g_byte_array_sized_new (sd_als_state_size (model));

  sd_als_write_state (model, sd_recommender_append_to_array, out, NULL);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
sd_als_load (SdRecommender *model,
             GBytes        *bytes,
             GError       **error)
{
  SdAls *self = SD_ALS (model);
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GVariant) x = NULL;
  g_autoptr(GVariant) y = NULL;
  guint n_users, n_items, k;
  gsize n_x = 0, n_y = 0;
  const double *px, *py;

  state = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("(uuuadad)"), bytes, FALSE));
  if (!g_variant_is_normal_form (state))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                           _("The saved ALS model is damaged: its data is not in the expected layout"));
      return FALSE;
    }
  g_variant_get (state, "(uuu@ad@ad)", &n_users, &n_items, &k, &x, &y);
  px = g_variant_get_fixed_array (x, &n_x, sizeof (double));
  py = g_variant_get_fixed_array (y, &n_y, sizeof (double));
  if (n_x != (gsize) n_users * k || n_y != (gsize) n_items * k)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("The saved ALS model is damaged: %u users × %u factors need %zu values, found %zu"),
                   n_users, k, (gsize) n_users * k, n_x);
      return FALSE;
    }

  g_clear_pointer (&self->X, g_free);
  g_clear_pointer (&self->Y, g_free);
  self->n_users = n_users;
  self->n_items = n_items;
  self->k = k;
  /* Factors a float fit saved are floats written as doubles: kept as floats again, they
   * take half the memory and score the same. */
  self->x_single = TRUE;
  for (gsize i = 0; i < n_x && self->x_single; i++)
    self->x_single = (double) (float) px[i] == px[i];
  if (n_x && self->x_single)
    {
      float *x = g_new (float, n_x);

      for (gsize i = 0; i < n_x; i++)
        x[i] = (float) px[i];
      self->X = x;
    }
  else
    self->X = n_x ? g_memdup2 (px, n_x * sizeof (double)) : NULL;
  self->Y = n_y ? g_memdup2 (py, n_y * sizeof (double)) : NULL;
  update_item_gram (self);
  return TRUE;
}

static void
sd_als_finalize (GObject *object)
{
  SdAls *self = SD_ALS (object);

  g_free (self->X);
  g_free (self->Y);
  g_free (self->gram_y);
  G_OBJECT_CLASS (sd_als_parent_class)->finalize (object);
}

static void
sd_als_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  SdAls *self = SD_ALS (object);

  switch (prop_id)
    {
    case PROP_FACTORS: g_value_set_int (value, self->factors); break;
    case PROP_REG: g_value_set_double (value, self->reg); break;
    case PROP_ALPHA: g_value_set_double (value, self->alpha); break;
    case PROP_ITERATIONS: g_value_set_int (value, self->iterations); break;
    case PROP_SEED: g_value_set_uint (value, self->seed); break;
    case PROP_SOLVER: g_value_set_enum (value, self->solver); break;
    case PROP_CG_STEPS: g_value_set_int (value, self->cg_steps); break;
    case PROP_THREADS: g_value_set_int (value, self->threads); break;
    case PROP_PRECISION: g_value_set_enum (value, self->precision); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_als_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  SdAls *self = SD_ALS (object);

  switch (prop_id)
    {
    case PROP_FACTORS: self->factors = g_value_get_int (value); break;
    case PROP_REG: self->reg = g_value_get_double (value); break;
    case PROP_ALPHA: self->alpha = g_value_get_double (value); break;
    case PROP_ITERATIONS: self->iterations = g_value_get_int (value); break;
    case PROP_SEED: self->seed = g_value_get_uint (value); break;
    case PROP_SOLVER: self->solver = g_value_get_enum (value); break;
    case PROP_CG_STEPS: self->cg_steps = g_value_get_int (value); break;
    case PROP_THREADS: self->threads = g_value_get_int (value); break;
    case PROP_PRECISION: self->precision = g_value_get_enum (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_als_class_init (SdAlsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *model_class = SD_RECOMMENDER_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sd_als_finalize;
  object_class->get_property = sd_als_get_property;
  object_class->set_property = sd_als_set_property;

  model_class->name = "als";
  model_class->label = N_("ALS (implicit feedback)");
  /* TRANSLATORS: what the model does, for a shop manager choosing one */
  model_class->summary = N_("Learns hidden tastes from who bought what, in rounds, and recommends the products that match a customer’s tastes best");
  model_class->fit = sd_als_fit;
  model_class->score = sd_als_score;
  model_class->explain = sd_als_explain;
  model_class->save = sd_als_save;
  model_class->forget_user = sd_als_forget_user;
  model_class->state_size = sd_als_state_size;
  model_class->write_state = sd_als_write_state;
  model_class->load = sd_als_load;

  properties[PROP_FACTORS] =
    g_param_spec_int ("factors", N_("Factors"), N_("Length of the user and item vectors"),
                      1, 1024, 64, flags);
  properties[PROP_REG] =
    g_param_spec_double ("reg", N_("Regularisation"), N_("L2 penalty λ on the factors"),
                         0.0, 1e6, 50.0, flags);
  /* Defaults chosen on the demo shop's validation split (SD_TUNE=1 test-als -p
   * /als/demo-tune): its cells add weighted views, carts and purchases (1 to 20 and more),
   * so alpha 1 already gives purchases a confidence of 6 and more. Binary MovieLens wants
   * alpha 10 with the same λ. */
  properties[PROP_ALPHA] =
    g_param_spec_double ("alpha", N_("Confidence scale"), N_("c = 1 + alpha × interaction weight"),
                         0.0, 1e6, 1.0, flags);
  properties[PROP_ITERATIONS] =
    g_param_spec_int ("iterations", N_("Iterations"), N_("Alternating user and item solves"),
                      1, 1000, 15, flags);
  properties[PROP_SEED] =
    g_param_spec_uint ("seed", N_("Seed"), N_("Seed of the random initial factors"),
                       0, G_MAXUINT, 42, flags);
  /* CG by default: on MovieLens-100k u1 three warm-started steps per row give the same
   * NDCG@10 / Recall@20 as exact Cholesky solves (0.424 / 0.331 against 0.423 / 0.332) in
   * a third of the time (0.9 s against 2.9 s for 15 iterations). */
  properties[PROP_SOLVER] =
    g_param_spec_enum ("solver", N_("Solver"), N_("How each row’s system is solved: cholesky (exact) or cg (a few conjugate-gradient steps)"),
                       SD_TYPE_ALS_SOLVER, SD_ALS_CG, flags);
  properties[PROP_CG_STEPS] =
    g_param_spec_int ("cg-steps", N_("CG steps"), N_("Conjugate-gradient steps per row and half-iteration (solver cg)"),
                      1, 256, 3, flags);
  properties[PROP_THREADS] =
    g_param_spec_int ("threads", N_("Threads"), N_("Threads for the per-row solves"),
                      1, 2, 2, flags);

  /* Float by default: about twice the speed and half the memory of double, with the same
   * quality (MovieLens-100k u1 and the demo shop; README, "Sizing"). Double is the
   * reference the MPI trainer matches to 1e-6. */
  properties[PROP_PRECISION] =
    g_param_spec_enum ("precision", N_("Precision"), N_("Arithmetic of the factors and row solves: float (fast, the default) or double (the reference; sums are double either way)"),
                       SD_TYPE_ALS_PRECISION, SD_ALS_FLOAT, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_als_init (SdAls *self)
{
}

SdRecommender *
sd_als_new (void)
{
  return g_object_new (SD_TYPE_ALS, NULL);
}

gboolean
sd_als_get_user_shape (SdAls *self,
                       guint *n_users,
                       guint *n_factors)
{
  g_return_val_if_fail (SD_IS_ALS (self), FALSE);

  if (n_users)
    *n_users = self->X ? self->n_users : 0;
  if (n_factors)
    *n_factors = self->X ? self->k : 0;
  return self->X != NULL;
}

void
sd_als_copy_user_factors (SdAls  *self,
                          guint   first,
                          guint   n,
                          double *out)
{
  gsize begin = (gsize) first * self->k, count = (gsize) n * self->k;

  g_return_if_fail (SD_IS_ALS (self));
  g_return_if_fail (self->X != NULL && first <= self->n_users && n <= self->n_users - first);

  if (!self->x_single)
    {
      memcpy (out, (const double *) self->X + begin, count * sizeof (double));
      return;
    }
  for (gsize i = 0; i < count; i++)
    out[i] = ((const float *) self->X)[begin + i];
}

const double *
sd_als_get_item_factors (SdAls *self,
                         guint *n_items,
                         guint *n_factors)
{
  g_return_val_if_fail (SD_IS_ALS (self), NULL);

  if (n_items)
    *n_items = self->Y ? self->n_items : 0;
  if (n_factors)
    *n_factors = self->k;
  return self->Y;
}

void
sd_als_get_stats (SdAls      *self,
                  SdAlsStats *stats)
{
  g_return_if_fail (SD_IS_ALS (self));

  *stats = self->stats;
}

void
sd_als_set_exchange (SdAls               *self,
                     const SdAlsExchange *exchange)
{
  g_return_if_fail (SD_IS_ALS (self));
  g_return_if_fail (exchange == NULL || (exchange->n_ranks >= 1 && exchange->rank >= 0
                                         && exchange->rank < exchange->n_ranks));

  self->distributed = exchange != NULL;
  if (exchange)
    self->exchange = *exchange;
}
