/* sd-coupon-usage.c — coupon codes as the shop's orders used them */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-coupon-usage.h"

void
sd_coupon_usage_free (SdCouponUsage *usage)
{
  if (usage == NULL)
    return;
  g_free (usage->code);
  g_free (usage);
}

GPtrArray *
sd_coupon_usage_load (SdStore  *store,
                      GError  **error)
{
  /* An order cancelled or never paid gave nothing away, as the figures count sales. */
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
    "SELECT u.code, count(*), count(DISTINCT o.customer_id), sum(u.discount_cents), min(o.placed_at), max(o.placed_at)"
    " FROM coupon_uses u JOIN orders o ON o.id = u.order_id"
    " WHERE o.status NOT IN ('cancelled', 'pending')"
    " GROUP BY u.code ORDER BY count(*) DESC, u.code", error);
  g_autoptr(GPtrArray) usage = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_coupon_usage_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdCouponUsage *u = g_new0 (SdCouponUsage, 1);

      u->code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      u->uses = sqlite3_column_int64 (stmt, 1);
      u->customers = sqlite3_column_int64 (stmt, 2);
      u->discount_cents = sqlite3_column_int64 (stmt, 3);
      u->first_at = sqlite3_column_int64 (stmt, 4);
      u->last_at = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (usage, u);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read how coupons were used"), error);
      return NULL;
    }
  return g_steal_pointer (&usage);
}

const SdCouponUsage *
sd_coupon_usage_for_rule (GPtrArray  *usage,
                          const char *rule_name)
{
  g_autofree char *name = NULL;
  const SdCouponUsage *best = NULL;

  if (usage == NULL || rule_name == NULL)
    return NULL;
  name = g_utf8_casefold (rule_name, -1);
  for (guint i = 0; i < usage->len; i++)
    {
      const SdCouponUsage *u = usage->pdata[i];
      g_autofree char *code = g_utf8_casefold (u->code, -1);
      gsize n = strlen (code);
      char after;

      if (n == 0 || strncmp (name, code, n) != 0)
        continue;
      after = name[n];
      /* The longest code that matches: “spring10” over “spring”. */
      if ((after == '\0' || after == ' ' || after == ':' || after == '-') && (best == NULL || strlen (best->code) < n))
        best = u;
    }
  return best;
}
