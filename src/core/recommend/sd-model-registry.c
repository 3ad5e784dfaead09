/* sd-model-registry.c — live models per purpose: promotions, rollbacks and their history */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-error.h"
#include "sd-model-registry.h"
#include "sd-rerank.h"

static const struct {
  const char *name;
  const char *label;
  const char *kind;
} purposes[SD_N_MODEL_PURPOSES] = {
  [SD_MODEL_PURPOSE_RECOMMENDATIONS] = { "recommendations", N_("Recommendations"), "recommender" },
  [SD_MODEL_PURPOSE_CHAT_INTENTS] = { "chat-intents", N_("Chatbot intents"), "intent" },
  [SD_MODEL_PURPOSE_CHAT_SENTIMENT] = { "chat-sentiment", N_("Chatbot sentiment"), "sentiment" },
  [SD_MODEL_PURPOSE_COUPON_INTEREST] = { "coupon-interest", N_("Coupon interest"), "recommender" },
};

const char *
sd_model_purpose_to_string (SdModelPurpose purpose)
{
  g_return_val_if_fail (purpose < SD_N_MODEL_PURPOSES, NULL);
  return purposes[purpose].name;
}

gboolean
sd_model_purpose_from_string (const char     *text,
                              SdModelPurpose *purpose)
{
  for (guint i = 0; text && i < SD_N_MODEL_PURPOSES; i++)
    if (g_str_equal (text, purposes[i].name))
      {
        *purpose = i;
        return TRUE;
      }
  return FALSE;
}

const char *
sd_model_purpose_get_label (SdModelPurpose purpose)
{
  g_return_val_if_fail (purpose < SD_N_MODEL_PURPOSES, NULL);
  return _(purposes[purpose].label);
}

const char *
sd_model_purpose_get_kind (SdModelPurpose purpose)
{
  g_return_val_if_fail (purpose < SD_N_MODEL_PURPOSES, NULL);
  return purposes[purpose].kind;
}

gboolean
sd_model_purpose_for_kind (const char     *kind,
                           SdModelPurpose *purpose)
{
  /* The first purpose of a kind is its own: a recommender serves recommendations unless
   * it is promoted for coupon interest by name. */
  for (guint i = 0; kind && i < SD_N_MODEL_PURPOSES; i++)
    if (g_str_equal (kind, purposes[i].kind))
      {
        *purpose = i;
        return TRUE;
      }
  return FALSE;
}

const char *
sd_model_registry_default_who (void)
{
  return g_get_user_name ();
}

void
sd_model_info_free (SdModelInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->kind);
  g_free (info->algorithm);
  g_free (info->label);
  g_free (info->note);
  g_free (info->params);
  g_free (info->metrics);
  g_free (info);
}

void
sd_promotion_free (SdPromotion *promotion)
{
  if (promotion == NULL)
    return;
  g_free (promotion->action);
  g_free (promotion->who);
  g_free (promotion->note);
  g_free (promotion);
}

static gboolean
model_exists (SdStore *store,
              gint64   model_id)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT 1 FROM models WHERE id = ?1", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, model_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* The stack the history of @purpose leaves (model ids, the live one last): a promotion
 * pushes, a rollback pops the live one and any deleted ones under it. */
static GArray *
live_stack (SdStore        *store,
            SdModelPurpose  purpose,
            GError        **error)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT action, model_id FROM model_promotions WHERE purpose = ?1 ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, purposes[purpose].name, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *action = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (action, "promote") == 0)
        {
          gint64 id = sqlite3_column_int64 (stmt, 1);
          g_array_append_val (stack, id);
        }
      else if (stack->len > 0)
        g_array_set_size (stack, stack->len - 1);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read which models are live"), error);
      return NULL;
    }
  return g_steal_pointer (&stack);
}

gint64
sd_model_registry_live_id (SdStore        *store,
                           SdModelPurpose  purpose,
                           GError        **error)
{
  g_autoptr(GArray) stack = NULL;
  gint64 top;

  g_return_val_if_fail (SD_IS_STORE (store), -1);
  g_return_val_if_fail (purpose < SD_N_MODEL_PURPOSES, -1);

  if (!(stack = live_stack (store, purpose, error)))
    return -1;
  if (stack->len == 0)
    return 0;
  top = g_array_index (stack, gint64, stack->len - 1);
  return model_exists (store, top) ? top : 0;
}

static SdModelInfo *
info_from_row (sqlite3_stmt *stmt)
{
  SdModelInfo *info = g_new0 (SdModelInfo, 1);
  const char *label = (const char *) sqlite3_column_text (stmt, 7);
  const char *note = (const char *) sqlite3_column_text (stmt, 8);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  info->algorithm = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  info->params = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  info->metrics = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  info->run_id = sqlite3_column_int64 (stmt, 5);
  info->created = sqlite3_column_int64 (stmt, 6);
  info->label = label && *label ? g_strdup (label)
                                : g_strdup_printf ("%s #%" G_GINT64_FORMAT, info->algorithm, info->id);
  info->note = note && *note ? g_strdup (note) : NULL;
  info->needs_retraining = sqlite3_column_int (stmt, 9) != 0;
  return info;
}

#define MODEL_COLUMNS \
  "SELECT m.id, m.kind, m.name, m.params, m.metrics, m.run_id, m.created_at, l.label, l.note," \
  " EXISTS (SELECT 1 FROM model_retraining r WHERE r.model_id = m.id)" \
  " FROM models m LEFT JOIN run_labels l ON l.run_id = m.run_id"

static gboolean
fill_live (SdStore    *store,
           GPtrArray  *infos,
           GError    **error)
{
  for (guint p = 0; p < SD_N_MODEL_PURPOSES; p++)
    {
      gint64 live = sd_model_registry_live_id (store, p, error);

      if (live < 0)
        return FALSE;
      for (guint i = 0; live > 0 && i < infos->len; i++)
        {
          SdModelInfo *info = g_ptr_array_index (infos, i);
          if (info->id == live)
            info->live_mask |= 1u << p;
        }
    }
  return TRUE;
}

GPtrArray *
sd_model_registry_list (SdStore  *store,
                        GError  **error)
{
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_model_info_free);
  g_autoptr(SdStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  stmt = sd_store_prepare (store, MODEL_COLUMNS " ORDER BY m.created_at DESC, m.id DESC", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (infos, info_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the stored models"), error);
      return NULL;
    }
  g_clear_pointer (&stmt, sd_stmt_release);
  if (!fill_live (store, infos, error))
    return NULL;
  return g_steal_pointer (&infos);
}

SdModelInfo *
sd_model_registry_get (SdStore  *store,
                       gint64    model_id,
                       GError  **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_model_info_free);
  g_autoptr(SdStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  stmt = sd_store_prepare (store, MODEL_COLUMNS " WHERE m.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    g_ptr_array_add (one, info_from_row (stmt));
  else if (rc == SQLITE_DONE)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("There is no stored model %ld in this shop"), (long) model_id);
      return NULL;
    }
  else
    {
      sd_store_fail (store, _("Could not read the stored models"), error);
      return NULL;
    }
  g_clear_pointer (&stmt, sd_stmt_release);
  if (!fill_live (store, one, error))
    return NULL;
  return g_ptr_array_steal_index (one, 0);
}

static gboolean
record (SdStore        *store,
        SdModelPurpose  purpose,
        const char     *action,
        gint64          model_id,
        const char     *who,
        const char     *note,
        GError        **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO model_promotions (purpose, action, model_id, at, who, note)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, purposes[purpose].name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, action, -1, SQLITE_STATIC);
  if (model_id > 0)
    sqlite3_bind_int64 (stmt, 3, model_id);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 5, who && *who ? who : sd_model_registry_default_who (), -1, SQLITE_TRANSIENT);
  if (note && *note)
    sqlite3_bind_text (stmt, 6, note, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 6);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not record the change of live model"), error);
  return TRUE;
}

gboolean
sd_model_registry_promote (SdStore        *store,
                           gint64          model_id,
                           SdModelPurpose  purpose,
                           const char     *who,
                           const char     *note,
                           GError        **error)
{
  g_autoptr(SdModelInfo) info = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), FALSE);
  g_return_val_if_fail (purpose < SD_N_MODEL_PURPOSES, FALSE);

  if (!(info = sd_model_registry_get (store, model_id, error)))
    return FALSE;
  if (g_strcmp0 (info->kind, purposes[purpose].kind) != 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Model %ld is a %s model; %s takes a %s model"),
                   (long) model_id, info->kind, purposes[purpose].name, purposes[purpose].kind);
      return FALSE;
    }
  /* Already live: a second entry would make a rollback return to the same model. */
  if (info->live_mask & (1u << purpose))
    return TRUE;
  if (!sd_store_begin (store, error))
    return FALSE;
  if (!record (store, purpose, "promote", model_id, who, note, error) ||
      !sd_store_commit (store, error))
    {
      sd_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gboolean
sd_model_registry_rollback (SdStore        *store,
                            SdModelPurpose  purpose,
                            const char     *who,
                            const char     *note,
                            gint64         *now_live,
                            GError        **error)
{
  g_autoptr(GArray) stack = NULL;
  gint64 live = 0;

  g_return_val_if_fail (SD_IS_STORE (store), FALSE);
  g_return_val_if_fail (purpose < SD_N_MODEL_PURPOSES, FALSE);

  if (!sd_store_begin (store, error))
    return FALSE;
  if (!(stack = live_stack (store, purpose, error)))
    goto fail;
  if (stack->len == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("No model is live for %s: there is nothing to roll back"), purposes[purpose].name);
      goto fail;
    }
  g_array_set_size (stack, stack->len - 1);
  /* The rollback row pops the live one; each deleted model under it needs a pop of its own,
   * recorded too, so that the history replays to the same stack. */
  while (stack->len > 0 && !model_exists (store, g_array_index (stack, gint64, stack->len - 1)))
    {
      if (!record (store, purpose, "rollback", 0, who, note, error))
        goto fail;
      g_array_set_size (stack, stack->len - 1);
    }
  if (stack->len > 0)
    live = g_array_index (stack, gint64, stack->len - 1);
  if (!record (store, purpose, "rollback", live, who, note, error) ||
      !sd_store_commit (store, error))
    goto fail;
  if (now_live)
    *now_live = live;
  return TRUE;

fail:
  sd_store_rollback (store);
  return FALSE;
}

GPtrArray *
sd_model_registry_history (SdStore        *store,
                           SdModelPurpose  purpose,
                           guint           limit,
                           GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_promotion_free);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT id, purpose, action, model_id, at, who, note FROM model_promotions"
      " WHERE ?1 IS NULL OR purpose = ?1 ORDER BY id DESC LIMIT ?2", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (purpose < SD_N_MODEL_PURPOSES)
    sqlite3_bind_text (stmt, 1, purposes[purpose].name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdPromotion *p = g_new0 (SdPromotion, 1);

      p->id = sqlite3_column_int64 (stmt, 0);
      if (!sd_model_purpose_from_string ((const char *) sqlite3_column_text (stmt, 1), &p->purpose))
        {
          sd_promotion_free (p);
          continue;
        }
      p->action = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      p->model_id = sqlite3_column_int64 (stmt, 3);
      p->at = sqlite3_column_int64 (stmt, 4);
      p->who = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      p->note = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      g_ptr_array_add (rows, p);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the history of live models"), error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

gint64
sd_model_registry_store (SdStore     *store,
                         const char  *kind,
                         const char  *name,
                         const char  *metrics_json,
                         GBytes      *blob,
                         GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO models (kind, name, params, metrics, created_at, blob) VALUES (?1, ?2, NULL, ?3, ?4, ?5)", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  if (metrics_json)
    sqlite3_bind_text (stmt, 3, metrics_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_blob64 (stmt, 5, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not store the trained model"), error);
      return -1;
    }
  return sqlite3_last_insert_rowid (sd_store_get_db (store));
}

/* ---- the re-ranking saved with a model ---------------------------------------------------- */

char *
sd_model_registry_get_rerank (SdStore  *store,
                              gint64    model_id,
                              GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT spec FROM model_rerank WHERE model_id = ?1", error);
  int rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    sd_store_fail (store, _("Could not read the model’s re-ranking"), error);
  return NULL;
}

gboolean
sd_model_registry_set_rerank (SdStore     *store,
                              gint64       model_id,
                              const char  *spec,
                              const char  *who,
                              GError     **error)
{
  SdRerankSpec parsed;
  g_autoptr(SdModelInfo) info = NULL;
  g_autoptr(SdStmt) stmt = NULL;
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), FALSE);

  if (!sd_rerank_spec_parse (spec, &parsed, error) ||
      !(info = sd_model_registry_get (store, model_id, error)))
    return FALSE;
  if (g_strcmp0 (info->kind, "recommender") != 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Model %ld is a %s model; only recommenders can be re-ranked"), (long) model_id, info->kind);
      return FALSE;
    }
  canonical = sd_rerank_spec_to_string (&parsed);
  if (sd_rerank_spec_is_active (&parsed))
    stmt = sd_store_prepare (store,
        "INSERT INTO model_rerank (model_id, spec, updated_at, who) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (model_id) DO UPDATE SET spec = ?2, updated_at = ?3, who = ?4", error);
  else
    stmt = sd_store_prepare (store, "DELETE FROM model_rerank WHERE model_id = ?1", error);
  if (!stmt || !sd_store_begin (store, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, model_id);
  if (sd_rerank_spec_is_active (&parsed))
    {
      sqlite3_bind_text (stmt, 2, canonical, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
      sqlite3_bind_text (stmt, 4, who ? who : sd_model_registry_default_who (), -1, SQLITE_TRANSIENT);
    }
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not save the model’s re-ranking"), error);
      sd_store_rollback (store);
      return FALSE;
    }
  if (!sd_store_commit (store, error))
    {
      sd_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}
