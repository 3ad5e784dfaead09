/* sd-item-knn.h — item-based collaborative filtering: cosine with shrinkage, top-k */
#pragma once

#include "sd-recommender.h"

G_BEGIN_DECLS

#define SD_TYPE_ITEM_KNN (sd_item_knn_get_type ())
G_DECLARE_FINAL_TYPE (SdItemKnn, sd_item_knn, SD, ITEM_KNN, SdRecommender)

/* The kept neighbours of dense item @item, most similar first (SdScoredItem: neighbour
 * and similarity), at most @n. For "similar items" of a product. */
GArray *sd_item_knn_similar (SdItemKnn *self,
                             guint      item,
                             guint      n);

G_END_DECLS
