/* sd-model-store.c — saving and loading trained recommenders in the `models` table */
#include "config.h"

#include <glib/gi18n-lib.h>
#include "sd-error.h"
#include "sd-model-store.h"
#include "sd-rerank.h"

gint64
sd_model_store_save (SdStore        *store,
                     SdRecommender  *model,
                     gint64          run_id,
                     const char     *metrics_json,
                     GError        **error)
{
  g_autoptr(GBytes) blob = sd_recommender_save (model);
  g_autofree char *params = sd_recommender_params_to_json (model);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO models (kind, name, params, metrics, run_id, created_at, blob)"
      " VALUES ('recommender', ?1, ?2, ?3, ?4, ?5, ?6)", error);
  gsize size;
  gconstpointer data = g_bytes_get_data (blob, &size);

  if (!stmt)
    return -1;
  sqlite3_bind_text (stmt, 1, sd_recommender_get_name (model), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, params, -1, SQLITE_STATIC);
  if (metrics_json)
    sqlite3_bind_text (stmt, 3, metrics_json, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 3);
  if (run_id > 0)
    sqlite3_bind_int64 (stmt, 4, run_id);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_blob64 (stmt, 6, data, size, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not store the trained model"), error);
      return -1;
    }
  return sqlite3_last_insert_rowid (sd_store_get_db (store));
}

static SdRecommender *
load_row (SdStore         *store,
          sqlite3_stmt    *stmt,
          SdInteractions  *train,
          gint64          *model_id,
          GError         **error)
{
  g_autoptr(GBytes) blob = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("No such model is stored in this shop"));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      sd_store_fail (store, _("Could not read the stored models"), error);
      return NULL;
    }
  if (model_id)
    *model_id = sqlite3_column_int64 (stmt, 0);
  blob = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
  return sd_recommender_load (blob, train, error);
}

SdRecommender *
sd_model_store_load (SdStore         *store,
                     const char      *name,
                     SdInteractions  *train,
                     gint64          *model_id,
                     GError         **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT id, blob FROM models WHERE kind = 'recommender' AND name = ?1"
      " ORDER BY created_at DESC, id DESC LIMIT 1", error);
  g_autoptr(GError) local = NULL;
  SdRecommender *model;

  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  model = load_row (store, stmt, train, model_id, &local);
  if (g_error_matches (local, SD_ERROR, SD_ERROR_NOT_FOUND))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("No trained %s model is stored in this shop; run “shopdesk-cli train --model %s” first"),
                   name, name);
      return NULL;
    }
  if (local)
    g_propagate_error (error, g_steal_pointer (&local));
  return model;
}

SdRecommender *
sd_model_store_load_id (SdStore         *store,
                        gint64           model_id,
                        SdInteractions  *train,
                        GError         **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT id, blob FROM models WHERE kind = 'recommender' AND id = ?1", error);
  g_autoptr(GError) local = NULL;
  SdRecommender *model;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  model = load_row (store, stmt, train, NULL, &local);
  if (g_error_matches (local, SD_ERROR, SD_ERROR_NOT_FOUND))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("There is no stored recommender %ld in this shop"), (long) model_id);
      return NULL;
    }
  if (local)
    g_propagate_error (error, g_steal_pointer (&local));
  return model;
}

gint64
sd_model_store_live_recommender_id (SdStore         *store,
                                    SdModelPurpose   purpose,
                                    GError         **error)
{
  gint64 id = sd_model_registry_live_id (store, purpose, error);

  /* Coupon interest without a model of its own asks the shop's live recommender. */
  if (id == 0 && purpose == SD_MODEL_PURPOSE_COUPON_INTEREST)
    id = sd_model_registry_live_id (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, error);
  return id;
}

/* @model (taken) re-ranked as saved with stored model @id, so that every consumer of the
 * live model serves the re-ranking; @model itself when none is saved. */
static SdRecommender *
with_rerank (SdStore        *store,
             gint64          id,
             SdRecommender  *model,
             GError        **error)
{
  g_autoptr(SdRecommender) owned = model;
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdRerankItems) items = NULL;
  SdInteractions *train;
  SdRerankSpec spec;

  if (!model)
    return NULL;
  text = sd_model_registry_get_rerank (store, id, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  /* A setting that no longer parses (written by a newer Shopdesk) serves the model as it is. */
  if (!text || !sd_rerank_spec_parse (text, &spec, NULL) || !sd_rerank_spec_is_active (&spec))
    return g_steal_pointer (&owned);
  train = sd_recommender_get_train (model);
  if (!(catalog = sd_catalog_from_store (store, train, NULL, error)) ||
      !(items = sd_rerank_items_from_store (store, train, catalog, error)))
    return NULL;
  if (!sd_recommender_get_catalog (model))
    sd_recommender_set_catalog (model, catalog);
  return sd_reranked_new (model, items, &spec);
}

SdRecommender *
sd_model_store_load_live (SdStore         *store,
                          SdModelPurpose   purpose,
                          SdInteractions  *train,
                          gint64          *model_id,
                          GError         **error)
{
  gint64 id = sd_model_store_live_recommender_id (store, purpose, error);

  if (id < 0)
    return NULL;
  if (id == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("No model is live for %s; promote one on the Training page or with "
                     "“shopdesk-cli models promote ID”"), sd_model_purpose_to_string (purpose));
      return NULL;
    }
  if (model_id)
    *model_id = id;
  return with_rerank (store, id, sd_model_store_load_id (store, id, train, error), error);
}

SdRecommender *
sd_model_store_load_live_or_newest (SdStore         *store,
                                    SdModelPurpose   purpose,
                                    SdInteractions  *train,
                                    gint64          *model_id,
                                    GError         **error)
{
  g_autoptr(GError) local = NULL;
  SdRecommender *model = sd_model_store_load_live (store, purpose, train, model_id, &local);
  g_autoptr(SdStmt) stmt = NULL;

  if (model || !g_error_matches (local, SD_ERROR, SD_ERROR_NOT_FOUND))
    {
      if (local)
        g_propagate_error (error, g_steal_pointer (&local));
      return model;
    }
  stmt = sd_store_prepare (store,
      "SELECT id, blob FROM models WHERE kind = 'recommender' AND blob IS NOT NULL"
      " ORDER BY created_at DESC, id DESC LIMIT 1", error);
  if (!stmt)
    return NULL;
  return load_row (store, stmt, train, model_id, error);
}
