/* sd-model-store.h — trained recommenders kept in the shop's `models` table
 *
 * A row per training: kind "recommender", name = the model's name ("ease"), its
 * parameters and metrics as JSON, the run it came from, and the blob of
 * sd_recommender_save(). Loading takes the newest row of a name, a row by id, or the
 * live one of a purpose (sd-model-registry.h).
 */
#pragma once

#include <gio/gio.h>

#include "sd-model-registry.h"
#include "sd-recommender.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* Returns the new row's id, or -1 with @error. */
gint64         sd_model_store_save (SdStore         *store,
                                    SdRecommender   *model,
                                    gint64           run_id,
                                    const char      *metrics_json,
                                    GError         **error);
/* The newest stored model called @name, bound to @train (the shop's matrix as it is now).
 * SD_ERROR_NOT_FOUND when none is stored; SD_ERROR_INVALID_INPUT when the shop changed
 * shape since (the message says to train again). */
SdRecommender *sd_model_store_load (SdStore         *store,
                                    const char      *name,
                                    SdInteractions  *train,
                                    gint64          *model_id,
                                    GError         **error);

/* Stored model @model_id (a recommender), bound to @train. SD_ERROR_NOT_FOUND when there
 * is no such recommender. */
SdRecommender *sd_model_store_load_id (SdStore        *store,
                                       gint64          model_id,
                                       SdInteractions *train,
                                       GError        **error);
/* The id of the recommender live for @purpose (recommendations or coupon interest; coupon
 * interest without a live model of its own uses the recommendations one): 0 when none is
 * live, -1 with @error. */
gint64         sd_model_store_live_recommender_id (SdStore        *store,
                                                   SdModelPurpose  purpose,
                                                   GError        **error);
/* The live recommender of @purpose, as above, bound to @train; SD_ERROR_NOT_FOUND when
 * none is live (the caller then uses its own default). */
SdRecommender *sd_model_store_load_live (SdStore        *store,
                                         SdModelPurpose  purpose,
                                         SdInteractions *train,
                                         gint64         *model_id,
                                         GError        **error);
/* The same, but without a live model the newest stored recommender (the default of the
 * consumers that used it before models went live: coupon interest, the chatbot). */
SdRecommender *sd_model_store_load_live_or_newest (SdStore        *store,
                                                   SdModelPurpose  purpose,
                                                   SdInteractions *train,
                                                   gint64         *model_id,
                                                   GError        **error);

G_END_DECLS
