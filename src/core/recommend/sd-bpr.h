/* sd-bpr.h — Bayesian personalised ranking (Rendle et al. 2009)
 *
 * Matrix factorisation with item biases trained on (user, bought item, other item)
 * triples, the other item drawn uniformly from those the user has not touched, by SGD or
 * Adam. Deterministic for a given seed (one thread, one seeded generator).
 */
#pragma once

#include "sd-recommender.h"

G_BEGIN_DECLS

typedef enum {
  SD_BPR_SGD,
  SD_BPR_ADAM,
} SdBprOptimizer;

GType sd_bpr_optimizer_get_type (void);
#define SD_TYPE_BPR_OPTIMIZER (sd_bpr_optimizer_get_type ())

#define SD_TYPE_BPR (sd_bpr_get_type ())
G_DECLARE_FINAL_TYPE (SdBpr, sd_bpr, SD, BPR, SdRecommender)

SdRecommender *sd_bpr_new (void);

G_END_DECLS
