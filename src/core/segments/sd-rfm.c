/* sd-rfm.c — recency, frequency and monetary scores, and the classic grid of groups */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

#include "sd-audience.h"
#include "sd-figures.h"
#include "sd-json.h"
#include "sd-number-format.h"
#include "sd-rfm.h"

static const struct {
  const char *id;
  const char *title;
  const char *advice;
} groups[SD_RFM_N_GROUPS] = {
  { "champions", N_("Champions"), N_("Bought recently and often: reward them, ask for reviews, show new arrivals first.") },
  { "loyal", N_("Loyal"), N_("Buy often: offer loyalty perks and the next tier up.") },
  { "potential-loyalists", N_("Potential loyalists"), N_("Recent, a few orders: a membership or a bundle can make them regulars.") },
  { "new", N_("New customers"), N_("One recent order: welcome them and help with the second order.") },
  { "promising", N_("Promising"), N_("Recent first orders: build awareness with personal recommendations.") },
  { "need-attention", N_("Need attention"), N_("Average recency and frequency: a limited-time offer keeps them.") },
  { "about-to-sleep", N_("About to sleep"), N_("Not lately and not often: recommend popular items, offer a discount.") },
  { "at-risk", N_("At risk"), N_("Used to buy often, not lately: win them back with personal offers.") },
  { "cant-lose", N_("Can't lose them"), N_("Your best customers once, gone quiet: reach out before a competitor does.") },
  { "hibernating", N_("Hibernating"), N_("Long ago and seldom: only relevant offers, or let them be.") },
  { "lost", N_("Lost"), N_("Lowest recency and frequency: a last win-back campaign, then stop spending on them.") },
};

/* Rows recency 1 … 5, columns frequency 1 … 5. */
static const guint8 grid[5][5] = {
  { SD_RFM_LOST, SD_RFM_LOST, SD_RFM_AT_RISK, SD_RFM_AT_RISK, SD_RFM_CANT_LOSE },
  { SD_RFM_HIBERNATING, SD_RFM_HIBERNATING, SD_RFM_AT_RISK, SD_RFM_AT_RISK, SD_RFM_CANT_LOSE },
  { SD_RFM_ABOUT_TO_SLEEP, SD_RFM_ABOUT_TO_SLEEP, SD_RFM_NEED_ATTENTION, SD_RFM_LOYAL, SD_RFM_LOYAL },
  { SD_RFM_PROMISING, SD_RFM_POTENTIAL_LOYALISTS, SD_RFM_POTENTIAL_LOYALISTS, SD_RFM_LOYAL, SD_RFM_CHAMPIONS },
  { SD_RFM_NEW, SD_RFM_POTENTIAL_LOYALISTS, SD_RFM_POTENTIAL_LOYALISTS, SD_RFM_CHAMPIONS, SD_RFM_CHAMPIONS },
};

SdRfmGroup
sd_rfm_group_at (guint r,
                 guint f)
{
  g_return_val_if_fail (r >= 1 && r <= 5 && f >= 1 && f <= 5, SD_RFM_LOST);
  return grid[r - 1][f - 1];
}

const char *
sd_rfm_group_id (SdRfmGroup group)
{
  g_return_val_if_fail (group < SD_RFM_N_GROUPS, NULL);
  return groups[group].id;
}

gboolean
sd_rfm_group_from_id (const char *id,
                      SdRfmGroup *out)
{
  for (guint g = 0; id && g < SD_RFM_N_GROUPS; g++)
    if (g_ascii_strcasecmp (id, groups[g].id) == 0)
      {
        *out = g;
        return TRUE;
      }
  return FALSE;
}

const char *
sd_rfm_segment_title (const char *segment)
{
  /* The demo shop's segments are RFM groups' ids (new, at-risk) and these two. */
  static const struct { const char *segment, *label; } labels[] = {
    { "regular", N_("Regular") }, { "vip", N_("VIP") },
  };
  SdRfmGroup group;

  for (guint i = 0; segment && i < G_N_ELEMENTS (labels); i++)
    if (g_ascii_strcasecmp (segment, labels[i].segment) == 0)
      return _(labels[i].label);
  if (segment && sd_rfm_group_from_id (segment, &group))
    return sd_rfm_group_title (group);
  return segment;
}

const char *
sd_rfm_group_title (SdRfmGroup group)
{
  g_return_val_if_fail (group < SD_RFM_N_GROUPS, NULL);
  return _(groups[group].title);
}

const char *
sd_rfm_group_advice (SdRfmGroup group)
{
  g_return_val_if_fail (group < SD_RFM_N_GROUPS, NULL);
  return _(groups[group].advice);
}

void
sd_rfm_free (SdRfm *rfm)
{
  if (rfm == NULL)
    return;
  g_free (rfm->customer_ids);
  g_strfreev (rfm->external_ids);
  g_free (rfm->recency_days);
  g_free (rfm->orders);
  g_free (rfm->spend_cents);
  g_free (rfm->r);
  g_free (rfm->f);
  g_free (rfm->m);
  g_free (rfm->group);
  g_free (rfm);
}

typedef struct {
  double value;
  guint  index;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *x = a, *y = b;
  if (x->value != y->value)
    return x->value < y->value ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Quintile scores by mid-rank: a value's score is 1 + ⌊5 p⌋ with p the share of values
 * below it plus half of those equal, so equal values share a score. Higher is better. */
static void
score (const double *values,
       guint         n,
       guint8       *out)
{
  g_autofree Ranked *r = NULL;
  guint i = 0;

  /* a shop without orders (MovieLens) has no one to rank; qsort must not see g_new's NULL */
  if (n == 0)
    return;
  r = g_new (Ranked, n);
  for (guint j = 0; j < n; j++)
    r[j] = (Ranked) { values[j], j };
  qsort (r, n, sizeof (Ranked), compare_ranked);
  while (i < n)
    {
      guint j = i;
      double p;
      while (j < n && r[j].value == r[i].value)
        j++;
      p = (i + (j - i) / 2.0) / n;
      for (guint t = i; t < j; t++)
        out[r[t].index] = (guint8) MIN (5, 1 + (guint) floor (5 * p));
      i = j;
    }
}

SdRfm *
sd_rfm_compute (SdStore       *store,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(SdRfm) rfm = g_new0 (SdRfm, 1);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
    "SELECT o.customer_id, count(*), max(o.placed_at),"
    " (SELECT coalesce(sum(" SD_SQL_LINE_REVENUE ("l") "), 0)"
    "    FROM order_lines l JOIN orders o2 ON o2.id = l.order_id LEFT JOIN products p ON p.id = l.product_id"
    "   WHERE o2.customer_id = o.customer_id AND " SD_SQL_LINE_COUNTS ("o2", "l")
    "     AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") "),"
    " (SELECT c.external_id FROM customers c WHERE c.id = o.customer_id)"
    " FROM orders o"
    " WHERE o.customer_id IS NOT NULL AND " SD_SQL_ORDER_IS_SALE ("o")
    " AND EXISTS (SELECT 1 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
    "             WHERE l.order_id = o.id AND l.quantity > 0 AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ")"
    " GROUP BY o.customer_id ORDER BY o.customer_id", error);
  g_autoptr(SdStmt) newest = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) orders = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) last = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) revenue = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) external = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *v = NULL;
  guint n;
  int rc;

  if (stmt == NULL || !(newest = sd_store_prepare (store, "SELECT coalesce(max(placed_at), 0) FROM orders", error)))
    return NULL;
  if (sqlite3_step (newest) != SQLITE_ROW)
    {
      sd_store_fail (store, _("Could not read the newest order"), error);
      return NULL;
    }
  rfm->now = sqlite3_column_int64 (newest, 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0), o = sqlite3_column_int64 (stmt, 1);
      gint64 at = sqlite3_column_int64 (stmt, 2), rev = sqlite3_column_int64 (stmt, 3);
      g_array_append_val (ids, id);
      g_array_append_val (orders, o);
      g_array_append_val (last, at);
      g_array_append_val (revenue, rev);
      g_ptr_array_add (external, g_strdup ((const char *) sqlite3_column_text (stmt, 4)));
      if (ids->len % 4096 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the customers' orders"), error);
      return NULL;
    }

  n = rfm->n_customers = ids->len;
  g_ptr_array_add (external, NULL);
  rfm->external_ids = (char **) g_ptr_array_free (g_steal_pointer (&external), FALSE);
  rfm->customer_ids = (gint64 *) g_array_free (g_steal_pointer (&ids), FALSE);
  rfm->orders = (gint64 *) g_array_free (g_steal_pointer (&orders), FALSE);
  rfm->spend_cents = (gint64 *) g_array_free (g_steal_pointer (&revenue), FALSE);
  rfm->recency_days = g_new (double, MAX (n, 1));
  rfm->r = g_new (guint8, MAX (n, 1));
  rfm->f = g_new (guint8, MAX (n, 1));
  rfm->m = g_new (guint8, MAX (n, 1));
  rfm->group = g_new (guint8, MAX (n, 1));
  v = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      rfm->recency_days[i] = (rfm->now - g_array_index (last, gint64, i)) / 86400.0;
      v[i] = -rfm->recency_days[i];
    }
  score (v, n, rfm->r);
  for (guint i = 0; i < n; i++)
    v[i] = rfm->orders[i];
  score (v, n, rfm->f);
  for (guint i = 0; i < n; i++)
    v[i] = rfm->spend_cents[i];
  score (v, n, rfm->m);

  for (guint i = 0; i < n; i++)
    {
      SdRfmStats *stats[2];
      rfm->group[i] = grid[rfm->r[i] - 1][rfm->f[i] - 1];
      rfm->revenue_cents += rfm->spend_cents[i];
      stats[0] = &rfm->groups[rfm->group[i]];
      stats[1] = &rfm->cells[rfm->r[i] - 1][rfm->f[i] - 1];
      for (guint s = 0; s < 2; s++)
        {
          stats[s]->customers++;
          stats[s]->revenue_cents += rfm->spend_cents[i];
          stats[s]->recency_days += rfm->recency_days[i];
          stats[s]->orders += rfm->orders[i];
        }
    }
  /* Sums to means. */
  for (guint g = 0; g < SD_RFM_N_GROUPS + 25; g++)
    {
      SdRfmStats *s = g < SD_RFM_N_GROUPS ? &rfm->groups[g] : &rfm->cells[(g - SD_RFM_N_GROUPS) / 5][(g - SD_RFM_N_GROUPS) % 5];
      if (s->customers == 0)
        continue;
      s->recency_days /= s->customers;
      s->orders /= s->customers;
      s->spend_cents = (double) s->revenue_cents / s->customers;
    }
  return g_steal_pointer (&rfm);
}

/* "1 order", "12 orders" */
static char *
orders_text (gint64 n)
{
  g_autofree char *count = sd_format_count (n);

  /* TRANSLATORS: a number of orders in the note on an empty RFM score, "1 order", "12 orders" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s order", "%s orders", n), count);
}

static gboolean
frequency_empty (const SdRfm *rfm,
                 guint        score)
{
  for (guint i = 0; i < rfm->n_customers; i++)
    if (rfm->f[i] == score)
      return FALSE;
  return TRUE;
}

char *
sd_rfm_describe_empty_frequency (const SdRfm *rfm)
{
  g_autoptr(GString) text = NULL;
  guint first, last;

  g_return_val_if_fail (rfm != NULL, NULL);

  if (rfm->n_customers == 0)
    return NULL;
  for (first = 1; first <= 5; first = last + 1)
    {
      /* a run of empty scores, the order counts on either side of it with their scores,
       * and how many customers share each (the tie too wide for its fifth) */
      gint64 below = -1, above = -1;
      guint below_score = 0, above_score = 0, below_customers = 0, above_customers = 0, tie;
      g_autofree char *scores = NULL;
      g_autofree char *below_text = NULL;
      g_autofree char *above_text = NULL;
      g_autofree char *customers = NULL;
      g_autofree char *share = NULL;
      g_autofree char *sentence = NULL;

      last = first;
      if (!frequency_empty (rfm, first))
        continue;
      while (last < 5 && frequency_empty (rfm, last + 1))
        last++;
      /* "2", or "1–2" for a run: a range of numbers in any language */
      scores = first == last ? g_strdup_printf ("%u", first) : g_strdup_printf ("%u–%u", first, last);
      for (guint i = 0; i < rfm->n_customers; i++)
        if (rfm->f[i] < first && rfm->orders[i] > below)
          below = rfm->orders[i], below_score = rfm->f[i];
        else if (rfm->f[i] > last && (above < 0 || rfm->orders[i] < above))
          above = rfm->orders[i], above_score = rfm->f[i];
      for (guint i = 0; i < rfm->n_customers; i++)
        {
          below_customers += rfm->orders[i] == below;
          above_customers += rfm->orders[i] == above;
        }
      if (below < 0 && above < 0)
        continue;
      below_text = below >= 0 ? orders_text (below) : NULL;
      above_text = above >= 0 ? orders_text (above) : NULL;
      /* the tie that spills over the empty scores: the one below them, else above */
      tie = below >= 0 ? below_customers : above_customers;
      customers = sd_format_count (tie);
      share = sd_format_share ((double) tie / rfm->n_customers);
      if (below >= 0 && above >= 0)
        {
          /* TRANSLATORS: under the RFM grid, why a row is empty: "No customer has frequency
           * score 2: customers with as many orders share a score, and the 1,506 with 1 order
           * (35 %) are more than a fifth of them, so the scores go from 1 (1 order) straight
           * to 3 (2 orders)." The first %s is a score or a range of them, "2" or "1–2". */
          sentence = g_strdup_printf (_("No customer has frequency score %s: customers with as many orders share a score, "
                                        "and the %s with %s (%s) are more than a fifth of them, so the scores go from "
                                        "%u (%s) straight to %u (%s)."),
                                      scores, customers, below_text, share, below_score, below_text, above_score, above_text);
        }
      else
        {
          gboolean up = above >= 0;

          /* TRANSLATORS: under the RFM grid, why the lowest or highest rows are empty: "No
           * customer has frequency score 1: customers with as many orders share a score, and
           * the 400 with 1 order (40 %) sit in the middle of their scores, at 2." The first %s
           * is a score or a range of them, "1" or "1–2". */
          sentence = g_strdup_printf (_("No customer has frequency score %s: customers with as many orders share a score, "
                                        "and the %s with %s (%s) sit in the middle of their scores, at %u."),
                                      scores, customers, up ? above_text : below_text, share,
                                      up ? above_score : below_score);
        }
      if (text == NULL)
        text = g_string_new (sentence);
      else
        g_string_append_printf (text, " %s", sentence);
    }
  return text ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

GArray *
sd_rfm_members (SdRfm      *rfm,
                SdRfmGroup  group,
                guint       r,
                guint       f)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < rfm->n_customers; i++)
    if (r > 0 ? rfm->r[i] == r && rfm->f[i] == f : rfm->group[i] == group)
      g_array_append_val (ids, rfm->customer_ids[i]);
  return ids;
}

static GArray *
rfm_members_for (SdJsonNode *def,
                 gpointer    user_data)
{
  SdRfm *rfm = user_data;
  SdJsonNode *r = sd_json_node_get_member (def, "r"), *f = sd_json_node_get_member (def, "f");
  SdRfmGroup group = SD_RFM_LOST;

  if (r && f)
    return sd_rfm_members (rfm, group, (guint) sd_json_node_get_number (r), (guint) sd_json_node_get_number (f));
  if (sd_rfm_group_from_id (sd_json_node_get_member_string (def, "rfm"), &group))
    return sd_rfm_members (rfm, group, 0, 0);
  return NULL;
}

gboolean
sd_rfm_refresh_audiences (SdStore  *store,
                          SdRfm    *rfm,
                          guint    *n_refreshed,
                          GError  **error)
{
  return sd_audience_refresh (store, "rfm", rfm_members_for, rfm, n_refreshed, error);
}
