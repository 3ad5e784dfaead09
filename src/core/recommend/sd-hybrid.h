/* sd-hybrid.h — a weighted blend of other models, with cold-start fallbacks
 *
 * weights="als:0.6,itemknn:0.3,content:0.1,popularity:0.05" names the members and their
 * weights; each member's scores are normalised per customer over the whole catalogue
 * (z-score or min-max) before blending, so models on different scales mix fairly.
 * member-params="als.factors=32,bpr.epochs=40" sets the members' own parameters.
 * Customers with no history get popularity; customers with less than cold-start-min
 * interactions get content (when a catalogue is there) blended with popularity.
 */
#pragma once

#include "sd-recommender.h"

G_BEGIN_DECLS

typedef enum {
  SD_HYBRID_ZSCORE,   /* (s - mean) / standard deviation over the catalogue */
  SD_HYBRID_MINMAX,   /* (s - min) / (max - min) */
} SdHybridNormalize;

GType sd_hybrid_normalize_get_type (void);
#define SD_TYPE_HYBRID_NORMALIZE (sd_hybrid_normalize_get_type ())

#define SD_TYPE_HYBRID (sd_hybrid_get_type ())
G_DECLARE_FINAL_TYPE (SdHybrid, sd_hybrid, SD, HYBRID, SdRecommender)

SdRecommender *sd_hybrid_new             (void);

/* The fitted member called @name (NULL when there is none), e.g. to show its factors. */
SdRecommender *sd_hybrid_get_member      (SdHybrid   *self,
                                          const char *name);

G_END_DECLS
