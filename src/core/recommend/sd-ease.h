/* sd-ease.h — EASE (Steck 2019): a closed-form item-item linear model */
#pragma once

#include "sd-recommender.h"

G_BEGIN_DECLS

typedef enum {
  SD_EASE_GRAM_AUTO,     /* by density */
  SD_EASE_GRAM_BLAS,     /* dsyrk over dense blocks of customers */
  SD_EASE_GRAM_SPARSE,   /* each customer's pairs of items */
} SdEaseGram;

GType sd_ease_gram_get_type (void);
#define SD_TYPE_EASE_GRAM (sd_ease_gram_get_type ())

typedef enum {
  SD_EASE_SOLVER_AUTO,     /* LAPACK up to 4,000 items, blocked above */
  SD_EASE_SOLVER_LAPACK,   /* dpotrf + dpotri */
  SD_EASE_SOLVER_BLOCKED,  /* blocked Cholesky and solves, cancellable between blocks */
} SdEaseSolver;

GType sd_ease_solver_get_type (void);
#define SD_TYPE_EASE_SOLVER (sd_ease_solver_get_type ())

#define SD_TYPE_EASE (sd_ease_get_type ())
G_DECLARE_FINAL_TYPE (SdEase, sd_ease, SD, EASE, SdRecommender)

/* Bytes EASE needs for @n_items (the Gram matrix in doubles and B in floats), and the
 * budget it refuses to exceed (4 GiB or half the physical memory, whichever is less,
 * unless the memory-budget-mb parameter says otherwise). */
guint64 sd_ease_memory_needed (guint n_items);

G_END_DECLS
