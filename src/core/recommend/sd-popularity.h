/* sd-popularity.h — the baseline: the items most customers interacted with */
#pragma once

#include "sd-recommender.h"

G_BEGIN_DECLS

#define SD_TYPE_POPULARITY (sd_popularity_get_type ())
G_DECLARE_FINAL_TYPE (SdPopularity, sd_popularity, SD, POPULARITY, SdRecommender)

G_END_DECLS
