/* sd-recommenders.c — the table of models sd_recommender_new() knows by name
 *
 * Adding a model: include its header and append its get_type function (order = the order
 * the UI and the CLI list them in).
 */
#include "config.h"

#include "sd-recommender.h"
#include "sd-popularity.h"
#include "sd-item-knn.h"
#include "sd-user-knn.h"
#include "sd-ease.h"
#include "sd-als.h"
#include "sd-bpr.h"
#include "sd-content.h"
#include "sd-hybrid.h"

extern GType (* const sd_recommender_types[]) (void);

GType (* const sd_recommender_types[]) (void) = {
  sd_popularity_get_type,
  sd_item_knn_get_type,
  sd_user_knn_get_type,
  sd_ease_get_type,
  sd_als_get_type,
  sd_bpr_get_type,
  sd_content_get_type,
  sd_hybrid_get_type,
  NULL
};
