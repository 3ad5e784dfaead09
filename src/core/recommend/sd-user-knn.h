/* sd-user-knn.h — user-based collaborative filtering: cosine or Pearson, top-k */
#pragma once

#include "sd-recommender.h"

G_BEGIN_DECLS

typedef enum {
  SD_USER_KNN_COSINE,
  SD_USER_KNN_PEARSON,
} SdUserKnnSimilarity;

GType sd_user_knn_similarity_get_type (void);
#define SD_TYPE_USER_KNN_SIMILARITY (sd_user_knn_similarity_get_type ())

#define SD_TYPE_USER_KNN (sd_user_knn_get_type ())
G_DECLARE_FINAL_TYPE (SdUserKnn, sd_user_knn, SD, USER_KNN, SdRecommender)

/* The kept neighbours of dense user @user, most similar first (SdScoredItem: the .item
 * field holds the neighbour's dense user index). For "customers like this one". */
GArray *sd_user_knn_neighbours (SdUserKnn *self,
                                guint      user);

G_END_DECLS
