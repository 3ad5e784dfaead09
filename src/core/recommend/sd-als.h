/* sd-als.h — matrix factorisation for implicit feedback by alternating least squares
 *
 * Hu, Koren and Volinsky (2008): every cell of the user × item matrix is a preference
 * p = 1 (interacted) or 0, weighted by a confidence c = 1 + alpha * r. Users and items are
 * solved in turn; each row is a k × k system solved by Cholesky (exact) or by a few
 * warm-started conjugate-gradient steps (Takács et al. 2011).
 */
#pragma once

#include "sd-recommender.h"

G_BEGIN_DECLS

typedef enum {
  SD_ALS_CHOLESKY,   /* exact: dsyrk + dposv per row */
  SD_ALS_CG,         /* a few warm-started conjugate-gradient steps per row */
} SdAlsSolver;

GType sd_als_solver_get_type (void);
#define SD_TYPE_ALS_SOLVER (sd_als_solver_get_type ())

typedef enum {
  SD_ALS_DOUBLE,
  SD_ALS_FLOAT,      /* factors and row solves in single precision, sums in double */
} SdAlsPrecision;

GType sd_als_precision_get_type (void);
#define SD_TYPE_ALS_PRECISION (sd_als_precision_get_type ())

#define SD_TYPE_ALS (sd_als_get_type ())
G_DECLARE_FINAL_TYPE (SdAls, sd_als, SD, ALS, SdRecommender)

typedef struct {
  double flops;        /* floating-point operations of the BLAS/LAPACK calls */
  double blas_seconds; /* CPU time inside those calls, summed over the solver threads */
  double seconds;      /* wall time of the iterations */
  double cpu_seconds;  /* CPU time of the iterations, all threads */
  int    iterations;   /* iterations the figures are summed over */
} SdAlsStats;

SdRecommender *sd_als_new               (void);

/* The user factors of a fitted model (FALSE before a fit, with zeros): users × factors.
 * A float fit keeps them in float (a million customers at 64 factors: 256 MB, not 512), so
 * they are copied out as doubles, rows [@first, @first + @n) into @out (row-major). */
gboolean       sd_als_get_user_shape    (SdAls      *self,
                                         guint      *n_users,
                                         guint      *n_factors);
void           sd_als_copy_user_factors (SdAls      *self,
                                         guint       first,
                                         guint       n,
                                         double     *out);
/* Row-major item factors (NULL before fit): items × factors, always double. */
const double  *sd_als_get_item_factors  (SdAls      *self,
                                         guint      *n_items,
                                         guint      *n_factors);
/* One half-step for rows [row_begin, row_end) of a CSR side (@indptr indexed by absolute
 * row; @indices are rows of @fixed), in double precision with the same row solves as fit():
 * each row's system against @fixed (row-major, k = the "factors" parameter) whose Gram
 * matrix fixedᵀfixed is @gram (k × k, lower triangle read), written to the same rows of
 * @out (row-major). For a trainer that splits the rows over processes. */
gboolean       sd_als_solve_rows        (SdAls        *self,
                                         const gsize  *indptr,
                                         const guint  *indices,
                                         const float  *values,
                                         guint         row_begin,
                                         guint         row_end,
                                         double       *out,
                                         const double *fixed,
                                         const double *gram,
                                         GCancellable *cancellable,
                                         GError      **error);
/* A fit spread over several processes (ranks), e.g. by MPI (src/cli/sd-cli-train-mpi.c).
 * Every rank holds the whole interaction matrix and every factor; rank r solves only its
 * block of users and of items (contiguous rows, split where the work is even), and the
 * exchange makes the pieces whole: the Gram matrices and the loss are summed from every
 * rank's part in rank order (so the result does not depend on message timing), and each
 * side's solved rows are gathered onto every rank after its half-step. A rank that is
 * cancelled says so in the next sum, so all ranks stop together. */
typedef struct {
  int       rank;
  int       n_ranks;
  /* Every rank's @n doubles at @mine, concatenated in rank order into @all (n_ranks × n). */
  gboolean (*allgather)      (const double *mine,
                              gsize         n,
                              double       *all,
                              gpointer      user_data,
                              GError      **error);
  /* @rows is a row-major matrix @width wide of which rank r wrote rows
   * [starts[r], starts[r + 1]); afterwards every rank has every row. */
  gboolean (*allgather_rows) (double       *rows,
                              const guint  *starts,
                              guint         width,
                              gpointer      user_data,
                              GError      **error);
  gpointer  user_data;
} SdAlsExchange;

/* From now on fit() is this rank's part of a distributed fit (NULL: a local fit again).
 * The losses reported per iteration are the whole model's, the same on every rank and
 * the same as a local fit's up to rounding; after fit every rank holds the whole model.
 * A distributed fit runs in double whatever "precision" says: compare it with a local fit
 * at precision=double. */
void           sd_als_set_exchange      (SdAls               *self,
                                         const SdAlsExchange *exchange);

/* Figures of the last fit, for the benchmark. */
void           sd_als_get_stats         (SdAls      *self,
                                         SdAlsStats *stats);

G_END_DECLS
