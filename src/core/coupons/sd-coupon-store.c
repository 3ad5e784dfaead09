/* sd-coupon-store.c — coupon rules in the shop's database, with every version kept */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-coupon-interest.h"
#include "sd-coupon-store.h"
#include "sd-error.h"
#include "sd-json-writer.h"

void
sd_rule_version_free (SdRuleVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->json);
  g_free (version);
}

gboolean
sd_coupon_store_model_exists (const char *model,
                              gpointer    user_data)
{
  SdStore *store = user_data;
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store, "SELECT 1 FROM models WHERE kind = ?1 OR name = ?1 LIMIT 1", NULL);

  if (stmt == NULL)
    return FALSE;
  /* "live" answers whenever a recommender is stored (see sd-coupon-interest.h). */
  sqlite3_bind_text (stmt, 1, g_str_equal (model, SD_INTEREST_LIVE_MODEL) ? "recommender" : model, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static SdCouponRule *
rule_from_row (sqlite3_stmt *stmt,
               GError      **error)
{
  gint64 id = sqlite3_column_int64 (stmt, 0);
  g_autofree char *source = g_strdup_printf ("rule %" G_GINT64_FORMAT, id);
  SdCouponRule *rule = sd_coupon_rule_from_json ((const char *) sqlite3_column_text (stmt, 1), source, error);

  if (rule)
    rule->id = id;
  return rule;
}

GPtrArray *
sd_coupon_rules_load (SdStore  *store,
                      GError  **error)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_coupon_rule_free);
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT r.id, v.json FROM coupon_rules r"
                      " JOIN coupon_rule_versions v ON v.rule_id = r.id AND v.version = r.version"
                      " ORDER BY r.id", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdCouponRule *rule = rule_from_row (stmt, error);
      if (rule == NULL)
        return NULL;
      g_ptr_array_add (rules, rule);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read coupon rules"), error);
      return NULL;
    }
  return g_steal_pointer (&rules);
}

SdCouponRule *
sd_coupon_rule_load (SdStore  *store,
                     gint64    rule_id,
                     GError  **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT r.id, v.json FROM coupon_rules r"
                      " JOIN coupon_rule_versions v ON v.rule_id = r.id AND v.version = r.version"
                      " WHERE r.id = ?1", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, rule_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("There is no coupon rule %lld"), (long long) rule_id);
      return NULL;
    }
  return rule_from_row (stmt, error);
}

static gboolean
save_version (SdStore      *store,
              SdCouponRule *rule,
              GError      **error)
{
  g_autofree char *json = sd_coupon_rule_to_json (rule);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int version = 1;

  if (rule->id == 0)
    {
      g_autoptr(SdStmt) insert =
        sd_store_prepare (store,
                          "INSERT INTO coupon_rules (name, enabled, version, updated_at) VALUES (?1, ?2, 1, ?3)",
                          error);
      if (insert == NULL)
        return FALSE;
      sqlite3_bind_text (insert, 1, rule->name, -1, SQLITE_STATIC);
      sqlite3_bind_int (insert, 2, rule->enabled);
      sqlite3_bind_int64 (insert, 3, now);
      if (sqlite3_step (insert) != SQLITE_DONE)
        return sd_store_fail (store, _("Could not save the rule"), error);
      rule->id = sqlite3_last_insert_rowid (sd_store_get_db (store));
    }
  else
    {
      g_autoptr(SdStmt) bump =
        sd_store_prepare (store,
                          "UPDATE coupon_rules SET name = ?2, enabled = ?3, version = version + 1, updated_at = ?4"
                          " WHERE id = ?1 RETURNING version", error);
      if (bump == NULL)
        return FALSE;
      sqlite3_bind_int64 (bump, 1, rule->id);
      sqlite3_bind_text (bump, 2, rule->name, -1, SQLITE_STATIC);
      sqlite3_bind_int (bump, 3, rule->enabled);
      sqlite3_bind_int64 (bump, 4, now);
      if (sqlite3_step (bump) != SQLITE_ROW)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                       _("There is no coupon rule %lld to save over"), (long long) rule->id);
          return FALSE;
        }
      version = sqlite3_column_int (bump, 0);
      if (sqlite3_step (bump) != SQLITE_DONE)
        return sd_store_fail (store, _("Could not save the rule"), error);
    }

  {
    g_autoptr(SdStmt) add =
      sd_store_prepare (store,
                        "INSERT INTO coupon_rule_versions (rule_id, version, saved_at, json) VALUES (?1, ?2, ?3, ?4)",
                        error);
    if (add == NULL)
      return FALSE;
    sqlite3_bind_int64 (add, 1, rule->id);
    sqlite3_bind_int (add, 2, version);
    sqlite3_bind_int64 (add, 3, now);
    sqlite3_bind_text (add, 4, json, -1, SQLITE_STATIC);
    if (sqlite3_step (add) != SQLITE_DONE)
      return sd_store_fail (store, _("Could not save the rule's version"), error);
  }
  return TRUE;
}

gboolean
sd_coupon_rule_save (SdStore       *store,
                     SdCouponRule  *rule,
                     GError       **error)
{
  gint64 old_id = rule->id;

  if (!sd_coupon_rule_validate (rule, sd_coupon_store_model_exists, store, error))
    return FALSE;
  /* A savepoint, not BEGIN: the demo generator saves its example rules inside its own
   * transaction. */
  if (!sd_store_exec (store, "SAVEPOINT coupon_rule_save", error))
    return FALSE;
  if (!save_version (store, rule, error) ||
      !sd_store_exec (store, "RELEASE coupon_rule_save", error))
    {
      sd_store_exec (store, "ROLLBACK TO coupon_rule_save; RELEASE coupon_rule_save", NULL);
      rule->id = old_id;
      return FALSE;
    }
  return TRUE;
}

gboolean
sd_coupon_rule_delete (SdStore  *store,
                       gint64    rule_id,
                       GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "DELETE FROM coupon_rules WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rule_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not delete the rule"), error);
  return TRUE;
}

GPtrArray *
sd_coupon_rule_history (SdStore  *store,
                        gint64    rule_id,
                        GError  **error)
{
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_rule_version_free);
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT version, saved_at, json FROM coupon_rule_versions WHERE rule_id = ?1"
                      " ORDER BY version DESC", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, rule_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdRuleVersion *v = g_new0 (SdRuleVersion, 1);
      v->rule_id = rule_id;
      v->version = sqlite3_column_int (stmt, 0);
      v->saved_at = sqlite3_column_int64 (stmt, 1);
      v->json = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_ptr_array_add (versions, v);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the rule's history"), error);
      return NULL;
    }
  return g_steal_pointer (&versions);
}

gboolean
sd_coupon_rule_restore (SdStore  *store,
                        gint64    rule_id,
                        int       version,
                        GError  **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT json FROM coupon_rule_versions WHERE rule_id = ?1 AND version = ?2", error);
  g_autoptr(SdCouponRule) rule = NULL;
  g_autofree char *json = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rule_id);
  sqlite3_bind_int (stmt, 2, version);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("Rule %lld has no version %d"), (long long) rule_id, version);
      return FALSE;
    }
  json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sd_stmt_release (g_steal_pointer (&stmt));

  if (!(rule = sd_coupon_rule_from_json (json, "saved version", error)))
    return FALSE;
  rule->id = rule_id;
  return sd_coupon_rule_save (store, rule, error);
}

gboolean
sd_coupon_rule_undo (SdStore  *store,
                     gint64    rule_id,
                     GError  **error)
{
  g_autoptr(GPtrArray) history = sd_coupon_rule_history (store, rule_id, error);

  if (history == NULL)
    return FALSE;
  if (history->len < 2)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("The rule has no earlier version to go back to"));
      return FALSE;
    }
  return sd_coupon_rule_restore (store, rule_id,
                                 ((SdRuleVersion *) g_ptr_array_index (history, 1))->version, error);
}

/* ---------------------------------------------------------------- diff */

static void
flatten_condition (GPtrArray         *lines,
                   const SdCondition *cond,
                   const char        *path)
{
  if (cond->children)
    {
      g_ptr_array_add (lines, g_strdup_printf ("%s: %s of", path, sd_cond_kind_to_string (cond->kind)));
      for (guint i = 0; i < cond->children->len; i++)
        {
          g_autofree char *child = g_strdup_printf ("%s.%u", path, i + 1);
          flatten_condition (lines, g_ptr_array_index (cond->children, i), child);
        }
      return;
    }
  {
    g_autoptr(SdCouponRule) one = sd_coupon_rule_new ("x");
    g_autofree char *text = NULL;
    const char *dash;

    sd_condition_add (one->conditions, sd_condition_copy (cond));
    text = sd_coupon_rule_describe (one);
    dash = strstr (text, " — ");
    g_ptr_array_add (lines, g_strdup_printf ("%s: %s", path, dash ? dash + strlen (" — ") : text));
  }
}

static GPtrArray *
flatten (const SdCouponRule *rule)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdCouponRule) bare = sd_coupon_rule_copy (rule);
  g_autofree char *described = NULL;
  const char *dash;

  g_ptr_array_add (lines, g_strdup_printf ("name: %s", rule->name));
  g_ptr_array_add (lines, g_strdup_printf ("enabled: %s", rule->enabled ? "yes" : "no"));
  g_ptr_array_add (lines, g_strdup_printf ("window: %" G_GINT64_FORMAT " – %" G_GINT64_FORMAT,
                                           rule->starts_at, rule->ends_at));
  g_ptr_array_add (lines, g_strdup_printf ("priority: %d%s", rule->priority,
                                           rule->stop_further ? ", stops further rules" : ""));
  sd_condition_free (bare->conditions);
  bare->conditions = sd_condition_new (SD_COND_ALL);
  described = sd_coupon_rule_describe (bare);
  dash = strstr (described, " — ");
  g_ptr_array_add (lines, g_strdup_printf ("action: %.*s", dash ? (int) (dash - described) : (int) strlen (described),
                                           described));
  flatten_condition (lines, rule->conditions, "conditions");
  g_ptr_array_add (lines, g_strdup_printf ("limits: %d per customer, %d in all, budget %" G_GINT64_FORMAT,
                                           rule->uses_per_customer, rule->total_uses, rule->budget_cents));
  return lines;
}

char *
sd_coupon_rule_diff (const SdCouponRule *before,
                     const SdCouponRule *after)
{
  g_autoptr(GPtrArray) a = flatten (before);
  g_autoptr(GPtrArray) b = flatten (after);
  g_autofree guint *lcs = NULL;
  GString *out = g_string_new (NULL);
  guint n = a->len, m = b->len, i = 0, j = 0;

  /* Longest common subsequence of lines, then walk it: the classic line diff. */
  lcs = g_new0 (guint, (n + 1) * (m + 1));
  for (guint x = n; x-- > 0;)
    for (guint y = m; y-- > 0;)
      lcs[x * (m + 1) + y] = strcmp (g_ptr_array_index (a, x), g_ptr_array_index (b, y)) == 0
                             ? lcs[(x + 1) * (m + 1) + y + 1] + 1
                             : MAX (lcs[(x + 1) * (m + 1) + y], lcs[x * (m + 1) + y + 1]);
  while (i < n || j < m)
    {
      if (i < n && j < m && strcmp (g_ptr_array_index (a, i), g_ptr_array_index (b, j)) == 0)
        i++, j++;
      /* On a tie the old line goes first, so a change reads old → new. */
      else if (i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]))
        g_string_append_printf (out, "- %s\n", (char *) g_ptr_array_index (a, i++));
      else
        g_string_append_printf (out, "+ %s\n", (char *) g_ptr_array_index (b, j++));
    }
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- engine */

gboolean
sd_coupon_engine_load_rules (SdCouponEngine *engine,
                             SdStore        *store,
                             GError        **error)
{
  g_autoptr(GPtrArray) rules = sd_coupon_rules_load (store, error);
  g_autoptr(SdStmt) uses = NULL;
  g_autofree char *cap = NULL;
  int rc;

  if (rules == NULL)
    return FALSE;
  for (guint i = 0; i < rules->len; i++)
    sd_coupon_engine_add_rule (engine, g_ptr_array_index (rules, i));

  uses = sd_store_prepare (store, "SELECT rule_id, customer_id, discount_cents FROM coupon_redemptions", error);
  if (uses == NULL)
    return FALSE;
  while ((rc = sqlite3_step (uses)) == SQLITE_ROW)
    sd_coupon_engine_add_use (engine, sqlite3_column_int64 (uses, 0), sqlite3_column_int64 (uses, 1),
                              sqlite3_column_int64 (uses, 2));
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read coupon redemptions"), error);

  if ((cap = sd_store_get_setting (store, "coupons.max-combined-percent")))
    sd_coupon_engine_set_max_combined_percent (engine, g_ascii_strtod (cap, NULL));
  return TRUE;
}

/* The demo's rules are named in the language the demo is made in: they are the shop's data
 * from then on, and a name is never translated when it is shown (the user may have typed it). */
static const struct {
  const char *name;
  const char *rest;   /* the rule's JSON after its name */
} example_rules[] = {
  /* xgettext:no-c-format */
  { N_("Welcome: 10 % off a first order"),
    "\"enabled\": true, \"priority\": 10,"
    " \"conditions\": {\"type\": \"all\", \"conditions\": [{\"type\": \"first_order\"}]},"
    " \"action\": {\"type\": \"percent_off\", \"percent\": 10, \"cap_cents\": 1500},"
    " \"limits\": {\"uses_per_customer\": 1}}" },
  /* TRANSLATORS: the demo shop's prices are in pounds */
  { N_("VIP thank-you: £5 off over £50"),
    "\"enabled\": true, \"priority\": 20,"
    " \"conditions\": {\"type\": \"all\", \"conditions\": ["
    "   {\"type\": \"segment\", \"text\": \"vip\"},"
    "   {\"type\": \"cart_subtotal\", \"op\": \">=\", \"value\": 5000}]},"
    " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 500},"
    " \"limits\": {\"budget_cents\": 200000}}" },
  { N_("Win back lapsed customers"),
    "\"enabled\": false, \"priority\": 5,"
    " \"conditions\": {\"type\": \"all\", \"conditions\": ["
    "   {\"type\": \"recency_days\", \"op\": \">=\", \"value\": 120},"
    "   {\"type\": \"order_count\", \"op\": \">=\", \"value\": 2}]},"
    " \"action\": {\"type\": \"percent_off\", \"percent\": 15, \"cap_cents\": 2000},"
    " \"limits\": {\"uses_per_customer\": 1, \"budget_cents\": 100000}}" },
  { N_("Free shipping on big baskets"),
    "\"enabled\": true, \"priority\": 0,"
    " \"conditions\": {\"type\": \"all\", \"conditions\": ["
    "   {\"type\": \"cart_subtotal\", \"op\": \">=\", \"value\": 7500}]},"
    " \"action\": {\"type\": \"free_shipping\"}}" },
};

gboolean
sd_coupon_add_examples (SdStore  *store,
                        GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (example_rules); i++)
    {
      g_autoptr(GString) json = g_string_new ("{\"name\": ");
      g_autoptr(SdCouponRule) rule = NULL;

      sd_json_append_string (json, _(example_rules[i].name));
      g_string_append_printf (json, ", %s", example_rules[i].rest);
      rule = sd_coupon_rule_from_json (json->str, "example rule", error);
      if (rule == NULL || !sd_coupon_rule_save (store, rule, error))
        return FALSE;
    }
  return TRUE;
}
