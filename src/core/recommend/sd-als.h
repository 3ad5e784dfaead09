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
  SD_ALS_FLOAT,      /* the Cholesky row solves in single precision */
} SdAlsPrecision;

GType sd_als_precision_get_type (void);
#define SD_TYPE_ALS_PRECISION (sd_als_precision_get_type ())

#define SD_TYPE_ALS (sd_als_get_type ())
G_DECLARE_FINAL_TYPE (SdAls, sd_als, SD, ALS, SdRecommender)

typedef struct {
  double flops;        /* floating-point operations of the BLAS/LAPACK calls */
  double blas_seconds; /* wall time inside those calls, summed over the solver threads */
  double seconds;      /* wall time of the iterations */
  int    iterations;   /* iterations the figures are summed over */
} SdAlsStats;

SdRecommender *sd_als_new               (void);

/* Row-major factor matrices (NULL before fit): users × factors and items × factors. */
const double  *sd_als_get_user_factors  (SdAls      *self,
                                         guint      *n_users,
                                         guint      *n_factors);
const double  *sd_als_get_item_factors  (SdAls      *self,
                                         guint      *n_items,
                                         guint      *n_factors);
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
 * the same as a local fit's up to rounding; after fit every rank holds the whole model. */
void           sd_als_set_exchange      (SdAls               *self,
                                         const SdAlsExchange *exchange);

/* Figures of the last fit, for the benchmark. */
void           sd_als_get_stats         (SdAls      *self,
                                         SdAlsStats *stats);

G_END_DECLS
