/* sd-ease.c — EASE, "Embarrassingly Shallow Autoencoders" (Steck 2019)
 *
 * B = argmin |X − XB|² + λ|B|² with diag(B) = 0 has the closed form
 *   P = (XᵀX + λI)⁻¹,  B = I − P · diag(1 / diag P)   (so B_ij = −P_ij / P_jj, B_ii = 0).
 * The Gram matrix is accumulated with dsyrk over blocks of users made dense one block at a
 * time (never the whole users × items matrix) when the data is dense enough for that to
 * pay, else from each customer's pairs of items; then inverted with LAPACK's Cholesky
 * (dpotrf, dpotri), all in doubles. B is kept in floats: it is only used for scoring, and
 * halving it matters when the catalogue is large. Memory grows with n_items², so fit
 * refuses catalogues whose matrices would not fit the budget and says what to use instead.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <cblas.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "sd-ease.h"
#include "sd-error.h"

/* LAPACK's Fortran entry points; lapacke.h would add a library for two calls. */
extern void dpotrf_ (const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dpotri_ (const char *uplo, const int *n, double *a, const int *lda, int *info);

#define USER_BLOCK 256

struct _SdEase
{
  SdRecommender parent_instance;

  double     lambda;
  int        memory_budget_mb;   /* 0: automatic */
  SdEaseGram gram;
  SdEaseSolver solver;

  guint   n_items;
  float  *b;                  /* n_items × n_items, row h = what item h says about each item */
};

G_DEFINE_FINAL_TYPE (SdEase, sd_ease, SD_TYPE_RECOMMENDER)

enum { PROP_0, PROP_LAMBDA, PROP_MEMORY_BUDGET, PROP_GRAM, PROP_SOLVER, N_PROPS };

GType
sd_ease_solver_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SD_EASE_SOLVER_AUTO, "SD_EASE_SOLVER_AUTO", "auto" },
        { SD_EASE_SOLVER_LAPACK, "SD_EASE_SOLVER_LAPACK", "lapack" },
        { SD_EASE_SOLVER_BLOCKED, "SD_EASE_SOLVER_BLOCKED", "blocked" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("SdEaseSolver", values));
    }
  return type;
}

GType
sd_ease_gram_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SD_EASE_GRAM_AUTO, "SD_EASE_GRAM_AUTO", "auto" },
        { SD_EASE_GRAM_BLAS, "SD_EASE_GRAM_BLAS", "blas" },
        { SD_EASE_GRAM_SPARSE, "SD_EASE_GRAM_SPARSE", "sparse" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("SdEaseGram", values));
    }
  return type;
}

/* dsyrk does n_users × n_items² flops whatever the sparsity; adding up each customer's
 * pairs does Σ|x_u|² scattered updates. A dense BLAS flop is some 50× cheaper than a
 * scattered update, so BLAS only wins on dense data. */
static gboolean
gram_by_blas (SdEase         *self,
              SdInteractions *train)
{
  double pairs = 0.0;

  if (self->gram != SD_EASE_GRAM_AUTO)
    return self->gram == SD_EASE_GRAM_BLAS;
  for (guint u = 0; u < train->n_users; u++)
    {
      double len = (double) (train->indptr[u + 1] - train->indptr[u]);
      pairs += len * len;
    }
  return pairs * 50.0 > (double) train->n_users * train->n_items * train->n_items;
}
static GParamSpec *properties[N_PROPS];

guint64
sd_ease_memory_needed (guint n_items)
{
  guint64 n2 = (guint64) n_items * n_items;
  /* G/P in doubles, B in floats, one dense block of users. */
  return n2 * sizeof (double) + n2 * sizeof (float) + (guint64) USER_BLOCK * n_items * sizeof (double);
}

static guint64
memory_budget (SdEase *self)
{
  guint64 budget = (guint64) 4 << 30;
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGE_SIZE);

  if (self->memory_budget_mb > 0)
    return (guint64) self->memory_budget_mb << 20;
  if (pages > 0 && page_size > 0)
    budget = MIN (budget, (guint64) pages * page_size / 2);
  return budget;
}

static gboolean
inversion_failed (SdEase  *self,
                  int      info,
                  GError **error)
{
  g_set_error (error, SD_ERROR, SD_ERROR_FAILED,
               _("EASE could not invert the Gram matrix (LAPACK info %d); raise lambda (now %g)"),
               info, self->lambda);
  return FALSE;
}

/* Up to this many items dpotrf + dpotri take a few seconds at most, short enough to run
 * without a cancellation point; above, the blocked path checks between blocks. */
#define LAPACK_MAX_ITEMS 4000
#define SOLVE_BLOCK 256

static gboolean
use_blocked (SdEase *self,
             guint   n)
{
  if (self->solver != SD_EASE_SOLVER_AUTO)
    return self->solver == SD_EASE_SOLVER_BLOCKED;
  return n > LAPACK_MAX_ITEMS;
}

/* @g holds G in its row-major upper triangle, which LAPACK sees as the column-major lower
 * one. Writes B (row-major floats) into @b. */
static gboolean
invert_lapack (SdEase  *self,
               double  *g,
               guint    n,
               float   *b,
               GError **error)
{
  int nn = (int) n, info = 0;

  dpotrf_ ("L", &nn, g, &nn, &info);
  if (info == 0)
    dpotri_ ("L", &nn, g, &nn, &info);
  if (info != 0)
    return inversion_failed (self, info, error);

  /* P is in the upper triangle (row-major): P_ij = g[min(i,j) * n + max(i,j)]. */
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        double pij = i <= j ? g[(gsize) i * n + j] : g[(gsize) j * n + i];
        double pjj = g[(gsize) j * n + j];
        b[(gsize) i * n + j] = i == j ? 0.0f : (float) (-pij / pjj);
      }
  return TRUE;
}

/* The same result in blocks, with a cancellation point after each: a right-looking
 * blocked Cholesky G = LLᵀ (dpotrf on the diagonal blocks, dtrsm and dsyrk for the rest),
 * then P a block of columns at a time, P[:, J] = L⁻ᵀ (L⁻¹ E_J), by two triangular solves
 * (the first only over the rows from J down, where E_J is not zero). About 1.7 n³ flops
 * against dpotri's n³, but stoppable and without a second n² matrix. Column-major
 * throughout: A(i, j) = g[i + j n], lower triangle. */
static gboolean
invert_blocked (SdEase              *self,
                double              *g,
                guint                n,
                float               *b,
                const SdFitContext  *context,
                GError             **error)
{
  int nn = (int) n, info = 0;
  g_autofree double *x = NULL;

  for (guint k = 0; k < n; k += SOLVE_BLOCK)
    {
      int kb = (int) MIN (SOLVE_BLOCK, n - k);
      int m = (int) (n - k) - kb;
      double *akk = g + k + (gsize) k * n;

      if (g_cancellable_set_error_if_cancelled (context->cancellable, error))
        return FALSE;
      if (context->job)
        sd_job_set_progress (context->job, 0.4 + 0.2 * k / n, _("Factorising the Gram matrix"));
      dpotrf_ ("L", &kb, akk, &nn, &info);
      if (info != 0)
        return inversion_failed (self, info + (int) k, error);
      if (m > 0)
        {
          double *a21 = akk + kb;
          double *a22 = g + (k + kb) + (gsize) (k + kb) * n;
          cblas_dtrsm (CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
                       m, kb, 1.0, akk, nn, a21, nn);
          cblas_dsyrk (CblasColMajor, CblasLower, CblasNoTrans, m, kb, -1.0, a21, nn, 1.0, a22, nn);
        }
    }

  x = g_try_malloc ((gsize) n * SOLVE_BLOCK * sizeof (double));
  if (!x)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("Not enough free memory for EASE on %u items; use ItemKNN or ALS"), n);
      return FALSE;
    }
  for (guint j0 = 0; j0 < n; j0 += SOLVE_BLOCK)
    {
      int jb = (int) MIN (SOLVE_BLOCK, n - j0);

      if (g_cancellable_set_error_if_cancelled (context->cancellable, error))
        return FALSE;
      if (context->job)
        sd_job_set_progress (context->job, 0.6 + 0.4 * j0 / n, _("Inverting the Gram matrix"));

      memset (x, 0, (gsize) n * jb * sizeof (double));
      for (int t = 0; t < jb; t++)
        x[j0 + t + (gsize) t * n] = 1.0;
      cblas_dtrsm (CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
                   (int) (n - j0), jb, 1.0, g + j0 + (gsize) j0 * n, nn, x + j0, nn);
      cblas_dtrsm (CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit,
                   nn, jb, 1.0, g, nn, x, nn);
      /* x(i, t) = P(i, j0 + t); B(i, j) = −P(i, j) / P(j, j), zero on the diagonal. */
      for (guint i = 0; i < n; i++)
        for (int t = 0; t < jb; t++)
          {
            guint j = j0 + (guint) t;
            b[(gsize) i * n + j] = i == j ? 0.0f : (float) (-x[i + (gsize) t * n] / x[j + (gsize) t * n]);
          }
    }
  return TRUE;
}

static gboolean
sd_ease_fit (SdRecommender      *model,
             SdInteractions     *train,
             const SdFitContext *context,
             GError            **error)
{
  SdEase *self = SD_EASE (model);
  guint n = train->n_items;
  guint64 needed = sd_ease_memory_needed (n), budget = memory_budget (self);
  g_autofree double *g = NULL;
  g_autofree double *block = NULL;
  float *b;
  int nn = (int) n;

  if (needed > budget)
    {
      g_autofree char *need_text = g_format_size_full (needed, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *budget_text = g_format_size_full (budget, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("EASE needs %s for a catalogue of %u items (it grows with the square "
                   "of the number of items) but may use %s; use ItemKNN or ALS for a "
                   "catalogue this large"),
                   need_text, n, budget_text);
      return FALSE;
    }
  if (n > G_MAXINT / 2)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("EASE cannot handle %u items; use ItemKNN or ALS"), n);
      return FALSE;
    }

  g = g_try_malloc0 ((gsize) n * n * sizeof (double));
  if (!g)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("Not enough free memory for EASE on %u items; use ItemKNN or ALS"), n);
      return FALSE;
    }

  /* G = XᵀX, upper triangle (row-major): by BLAS a block of users at a time, or by each
   * customer's pairs of items. */
  if (!gram_by_blas (self, train))
    for (guint u = 0; u < train->n_users; u++)
      {
        gsize start = train->indptr[u], end = train->indptr[u + 1];

        if ((u & 1023) == 0)
          {
            if (g_cancellable_set_error_if_cancelled (context->cancellable, error))
              return FALSE;
            if (context->job)
              sd_job_set_progress (context->job, 0.4 * u / train->n_users, _("Counting co-occurrences"));
          }
        /* Row indices ascend, so a ≤ b keeps every pair in the upper triangle. */
        for (gsize p = start; p < end; p++)
          {
            double va = train->values[p];
            double *row = g + (gsize) train->indices[p] * n;
            for (gsize q = p; q < end; q++)
              row[train->indices[q]] += va * train->values[q];
          }
      }
  else if (!(block = g_try_malloc ((gsize) USER_BLOCK * n * sizeof (double))))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("Not enough free memory for EASE on %u items; use ItemKNN or ALS"), n);
      return FALSE;
    }
  for (guint u0 = 0; block && u0 < train->n_users; u0 += USER_BLOCK)
    {
      guint rows = MIN (USER_BLOCK, train->n_users - u0);

      if (g_cancellable_set_error_if_cancelled (context->cancellable, error))
        return FALSE;
      if (context->job)
        sd_job_set_progress (context->job, 0.4 * u0 / train->n_users, _("Counting co-occurrences"));

      memset (block, 0, (gsize) rows * n * sizeof (double));
      for (guint r = 0; r < rows; r++)
        for (gsize p = train->indptr[u0 + r]; p < train->indptr[u0 + r + 1]; p++)
          block[(gsize) r * n + train->indices[p]] = train->values[p];
      cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans, nn, (int) rows,
                   1.0, block, nn, 1.0, g, nn);
    }
  g_clear_pointer (&block, g_free);
  for (guint i = 0; i < n; i++)
    g[(gsize) i * n + i] += self->lambda;

  if (g_cancellable_set_error_if_cancelled (context->cancellable, error))
    return FALSE;
  if (context->job)
    sd_job_set_progress (context->job, 0.4, _("Inverting the Gram matrix"));

  b = g_try_malloc ((gsize) n * n * sizeof (float));
  if (!b)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("Not enough free memory for EASE on %u items; use ItemKNN or ALS"), n);
      return FALSE;
    }
  if (!(use_blocked (self, n) ? invert_blocked (self, g, n, b, context, error)
                              : invert_lapack (self, g, n, b, error)))
    {
      g_free (b);
      return FALSE;
    }

  g_clear_pointer (&self->b, g_free);
  self->b = b;
  self->n_items = n;
  return sd_recommender_report_epoch (model, context, 1, 1, NAN, error);
}

static void
sd_ease_score (SdRecommender *model,
               guint          user,
               float         *scores)
{
  SdEase *self = SD_EASE (model);
  SdInteractions *train = sd_recommender_get_train (model);
  gsize n = self->n_items;

  memset (scores, 0, sizeof (float) * n);
  for (gsize p = train->indptr[user]; p < train->indptr[user + 1]; p++)
    cblas_saxpy ((int) n, train->values[p], self->b + train->indices[p] * n, 1, scores, 1);
}

static GPtrArray *
sd_ease_explain (SdRecommender *model,
                 guint          user,
                 guint          item,
                 guint          max)
{
  SdEase *self = SD_EASE (model);
  SdInteractions *train = sd_recommender_get_train (model);
  GPtrArray *reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  gsize len = train->indptr[user + 1] - train->indptr[user];
  g_autofree float *w = g_new (float, MAX (len, 1));
  g_autoptr(GArray) top = NULL;
  double total = 0;

  /* The score is the sum of these terms, some negative: a reason's share is of the
   * positive ones, what speaks for the item. */
  for (gsize q = 0; q < len; q++)
    {
      gsize p = train->indptr[user] + q;
      float c = train->values[p] * self->b[(gsize) train->indices[p] * self->n_items + item];
      total += c > 0.0f ? c : 0.0f;
      w[q] = c > 0.0f ? c : -INFINITY;
    }
  top = sd_top_n (w, len, max);
  for (guint c = 0; c < top->len; c++)
    {
      SdReason *r = g_new0 (SdReason, 1);
      r->kind = SD_REASON_FACTOR;
      r->item = train->indices[train->indptr[user] + g_array_index (top, SdScoredItem, c).item];
      r->weight = g_array_index (top, SdScoredItem, c).score;
      g_ptr_array_add (reasons, r);
    }
  sd_reasons_set_shares (reasons, total);
  return reasons;
}

static GBytes *
sd_ease_save (SdRecommender *model)
{
  SdEase *self = SD_EASE (model);
  return g_bytes_new (self->b, (gsize) self->n_items * self->n_items * sizeof (float));
}

static gboolean
sd_ease_load (SdRecommender  *model,
              GBytes         *state,
              GError        **error)
{
  SdEase *self = SD_EASE (model);
  guint n = sd_recommender_get_train (model)->n_items;
  gsize size;
  gconstpointer data = g_bytes_get_data (state, &size);

  if (size != (gsize) n * n * sizeof (float))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("The saved EASE weights do not fit a catalogue of %u items"), n);
      return FALSE;
    }
  g_clear_pointer (&self->b, g_free);
  self->b = g_memdup2 (data, size);
  self->n_items = n;
  return TRUE;
}

static void
sd_ease_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  SdEase *self = SD_EASE (object);

  switch (prop_id)
    {
    case PROP_LAMBDA: g_value_set_double (value, self->lambda); break;
    case PROP_MEMORY_BUDGET: g_value_set_int (value, self->memory_budget_mb); break;
    case PROP_GRAM: g_value_set_enum (value, self->gram); break;
    case PROP_SOLVER: g_value_set_enum (value, self->solver); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_ease_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  SdEase *self = SD_EASE (object);

  switch (prop_id)
    {
    case PROP_LAMBDA: self->lambda = g_value_get_double (value); break;
    case PROP_MEMORY_BUDGET: self->memory_budget_mb = g_value_get_int (value); break;
    case PROP_GRAM: self->gram = g_value_get_enum (value); break;
    case PROP_SOLVER: self->solver = g_value_get_enum (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_ease_finalize (GObject *object)
{
  SdEase *self = SD_EASE (object);

  g_clear_pointer (&self->b, g_free);
  G_OBJECT_CLASS (sd_ease_parent_class)->finalize (object);
}

static void
sd_ease_class_init (SdEaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *rec_class = SD_RECOMMENDER_CLASS (klass);

  object_class->finalize = sd_ease_finalize;
  object_class->get_property = sd_ease_get_property;
  object_class->set_property = sd_ease_set_property;
  rec_class->name = "ease";
  rec_class->label = N_("EASE (closed form)");
  /* TRANSLATORS: what the model does, for a shop manager choosing one */
  rec_class->summary = N_("Learns in one step how buying each product predicts buying every other one; often the most accurate on a small catalogue");
  rec_class->fit = sd_ease_fit;
  rec_class->score = sd_ease_score;
  rec_class->explain = sd_ease_explain;
  rec_class->save = sd_ease_save;
  rec_class->load = sd_ease_load;

  properties[PROP_LAMBDA] =
    g_param_spec_double ("lambda", N_("L2 regularisation"), N_("Added to the Gram matrix's diagonal; larger is smoother"),
                         0.001, 1e7, 500.0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEMORY_BUDGET] =
    g_param_spec_int ("memory-budget-mb", N_("Memory budget (MiB)"), N_("Largest memory EASE may use; 0 = 4 GiB or half the RAM"),
                      0, 1 << 20, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRAM] =
    g_param_spec_enum ("gram", N_("Gram matrix by"), N_("How XᵀX is formed: BLAS dsyrk over dense blocks of customers (dense data), each customer's item pairs (sparse data), or chosen from the density"),
                       SD_TYPE_EASE_GRAM, SD_EASE_GRAM_AUTO, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOLVER] =
    g_param_spec_enum ("solver", N_("Inverse by"), N_("LAPACK dpotrf + dpotri in one go, or blocks with a cancellation point after each (slower, stoppable); auto picks blocks above 4,000 items"),
                       SD_TYPE_EASE_SOLVER, SD_EASE_SOLVER_AUTO, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_ease_init (SdEase *self)
{
  self->lambda = 500.0;
}
