/* sd-model-store.c — saving and loading trained recommenders in the `models` table */
#include "config.h"

#include <glib/gi18n-lib.h>
#include "sd-error.h"
#include "sd-model-store.h"
#include "sd-rerank.h"

/* Where the next piece of a model goes in its row's blob. */
typedef struct {
  SdStore      *store;
  sqlite3_blob *blob;
  gsize         offset;
  gsize         size;
} BlobSink;

static gboolean
write_blob (gconstpointer   data,
            gsize           size,
            gpointer        user_data,
            GError        **error)
{
  BlobSink *sink = user_data;
  const guint8 *p = data;

  if (size > sink->size - sink->offset)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_FAILED,
                           _("Could not store the trained model: it came out longer than announced"));
      return FALSE;
    }
  /* sqlite3_blob_write takes an int */
  while (size > 0)
    {
      int n = (int) MIN (size, (gsize) 1 << 24);

      if (sqlite3_blob_write (sink->blob, p, n, (int) sink->offset) != SQLITE_OK)
        {
          sd_store_fail (sink->store, _("Could not store the trained model"), error);
          return FALSE;
        }
      p += n;
      size -= n;
      sink->offset += n;
    }
  return TRUE;
}

/* The row goes in with a blob of zeros of the model's size, which SQLite writes a page at
 * a time, and the model is then written into it a piece at a time: binding a 500 MB blob
 * would have SQLite copy it into one record, next to the model's own copy. */
static gint64
insert_model (SdStore        *store,
              SdRecommender  *model,
              gint64          run_id,
              const char     *metrics_json,
              GError        **error)
{
  g_autoptr(GBytes) whole = sd_recommender_saves_in_pieces (model) ? NULL : sd_recommender_save (model);
  g_autofree char *params = sd_recommender_params_to_json (model);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO models (kind, name, params, metrics, run_id, created_at, blob)"
      " VALUES ('recommender', ?1, ?2, ?3, ?4, ?5, ?6)", error);
  BlobSink sink = { store, NULL, 0, 0 };
  sqlite3 *db = sd_store_get_db (store);
  gint64 id;
  gboolean ok;

  if (!stmt)
    return -1;
  sink.size = whole ? g_bytes_get_size (whole) : sd_recommender_saved_size (model);
  /* SQLite's own limit on a value (1 GB unless built otherwise) */
  if (sink.size > (gsize) sqlite3_limit (db, SQLITE_LIMIT_LENGTH, -1))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("Could not store the trained model: it takes %.2f GB, and SQLite keeps at "
                     "most %.2f GB in one value (fewer factors make it smaller)"),
                   sink.size / 1e9, sqlite3_limit (db, SQLITE_LIMIT_LENGTH, -1) / 1e9);
      return -1;
    }
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
  sqlite3_bind_zeroblob64 (stmt, 6, sink.size);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not store the trained model"), error);
      return -1;
    }
  id = sqlite3_last_insert_rowid (db);
  if (sink.size == 0)
    return id;
  if (sqlite3_blob_open (db, "main", "models", "blob", id, 1, &sink.blob) != SQLITE_OK)
    {
      sd_store_fail (store, _("Could not store the trained model"), error);
      sqlite3_blob_close (sink.blob);
      return -1;
    }
  ok = whole ? write_blob (g_bytes_get_data (whole, NULL), sink.size, &sink, error)
             : sd_recommender_save_to (model, write_blob, &sink, error);
  if (ok && sink.offset != sink.size)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_FAILED,
                           _("Could not store the trained model: it came out shorter than announced"));
      ok = FALSE;
    }
  if (sqlite3_blob_close (sink.blob) != SQLITE_OK && ok)
    {
      sd_store_fail (store, _("Could not store the trained model"), error);
      ok = FALSE;
    }
  return ok ? id : -1;
}

gint64
sd_model_store_save (SdStore        *store,
                     SdRecommender  *model,
                     gint64          run_id,
                     const char     *metrics_json,
                     GError        **error)
{
  gint64 id;

  /* A savepoint, so that a model whose writing failed leaves no row of zeros, inside the
   * caller's transaction or on its own. */
  if (!sd_store_exec (store, "SAVEPOINT model_save", error))
    return -1;
  if ((id = insert_model (store, model, run_id, metrics_json, error)) < 0)
    {
      sd_store_exec (store, "ROLLBACK TO model_save", NULL);
      sd_store_exec (store, "RELEASE model_save", NULL);
      return -1;
    }
  if (!sd_store_exec (store, "RELEASE model_save", error))
    return -1;
  return id;
}

/* Row @id's blob of @size bytes (its length(), which SQLite knows without reading it),
 * read straight into one buffer: asking for the column would have SQLite assemble it in
 * a buffer of its own first, and on a large shop that is another 500 MB. */
static GBytes *
read_blob (SdStore  *store,
           gint64    id,
           gint64    size,
           GError  **error)
{
  sqlite3_blob *blob = NULL;
  g_autofree guint8 *data = NULL;
  int rc;

  if (size <= 0)
    return g_bytes_new (NULL, 0);
  data = g_try_malloc (size);
  if (!data)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("The stored model takes %.2f GB, more memory than is free"), size / 1e9);
      return NULL;
    }
  if ((rc = sqlite3_blob_open (sd_store_get_db (store), "main", "models", "blob", id, 0, &blob)) == SQLITE_OK)
    rc = sqlite3_blob_read (blob, data, (int) size, 0);
  sqlite3_blob_close (blob);
  if (rc != SQLITE_OK)
    {
      sd_store_fail (store, _("Could not read the stored models"), error);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), size);
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
  if (!(blob = read_blob (store, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), error)))
    return NULL;
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
      "SELECT id, length(blob) FROM models WHERE kind = 'recommender' AND name = ?1"
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
      "SELECT id, length(blob) FROM models WHERE kind = 'recommender' AND id = ?1", error);
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
      "SELECT id, length(blob) FROM models WHERE kind = 'recommender' AND blob IS NOT NULL"
      " ORDER BY created_at DESC, id DESC LIMIT 1", error);
  if (!stmt)
    return NULL;
  return load_row (store, stmt, train, model_id, error);
}
