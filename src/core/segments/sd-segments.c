/* sd-segments.c — profiles and names of the clusters of taste */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd-audience.h"
#include "sd-error.h"
#include "sd-figures.h"
#include "sd-json.h"
#include "sd-json-writer.h"
#include "sd-segments.h"

#define SECONDS_PER_DAY 86400.0
#define TOP_TRAITS 5
/* A trait counts when at least this many members have it (and 5 % of the cluster): a
 * product two customers bought says nothing of a cluster of two hundred. */
#define MIN_SUPPORT 3
/* Words of product titles that say nothing of taste. */
static const char *const stop_words[] = {
  "and", "the", "for", "with", "set", "of", "in", "pack", "box", "small", "large", "mini",
  "big", "assorted", "design", "colour", "color", "new", "size", "pcs", "piece", "pieces",
};

/* The phrases names are made of, in both languages: names are data of the shop (the CLI
 * prints both), so they do not follow the UI's language through gettext. */
#define NAME_SEPARATOR " · "
static const struct { const char *en, *zh; } phrases[] = {
  { N_("high spend"), "高消费" },
  { N_("low spend"), "低消费" },
  { N_("mixed taste"), "口味多样" },
};
enum { PHRASE_HIGH_SPEND, PHRASE_LOW_SPEND, PHRASE_MIXED };

static void
trait_free (SdSegmentTrait *t)
{
  g_free (t->key);
  g_free (t->label);
  g_free (t);
}

static void
profile_free (SdSegmentProfile *p)
{
  g_free (p->name);
  g_free (p->name_en);
  g_free (p->name_zh);
  g_clear_pointer (&p->top_categories, g_ptr_array_unref);
  g_clear_pointer (&p->top_products, g_ptr_array_unref);
  g_clear_pointer (&p->top_words, g_ptr_array_unref);
  g_clear_pointer (&p->countries, g_ptr_array_unref);
  g_clear_pointer (&p->tiers, g_ptr_array_unref);
  g_free (p);
}

void
sd_segments_free (SdSegments *segments)
{
  if (segments == NULL)
    return;
  sd_customer_map_free (segments->map);
  g_clear_pointer (&segments->profiles, g_ptr_array_unref);
  sd_rfm_free (segments->rfm);
  g_free (segments);
}

/* ---- Counting what members have ------------------------------------------------ */

/* Distinct customers per key, per cluster and over all: counts[key] is k + 1 numbers,
 * the last one the total. */
typedef struct {
  guint       k;
  GHashTable *counts;   /* char * key → guint * (k + 1) */
  GHashTable *labels;   /* key → label */
} Tally;

static void
tally_init (Tally *t,
            guint  k)
{
  t->k = k;
  t->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
tally_clear (Tally *t)
{
  g_clear_pointer (&t->counts, g_hash_table_unref);
  g_clear_pointer (&t->labels, g_hash_table_unref);
}

static void
tally_add (Tally      *t,
           const char *key,
           const char *label,
           guint       cluster)
{
  guint *c = g_hash_table_lookup (t->counts, key);

  if (c == NULL)
    {
      c = g_new0 (guint, t->k + 1);
      g_hash_table_insert (t->counts, g_strdup (key), c);
      if (label)
        g_hash_table_insert (t->labels, g_strdup (key), g_strdup (label));
    }
  c[cluster]++;
  c[t->k]++;
}

static int
by_lift (gconstpointer a,
         gconstpointer b)
{
  const SdSegmentTrait *x = *(SdSegmentTrait **) a, *y = *(SdSegmentTrait **) b;

  if (x->lift != y->lift)
    return x->lift > y->lift ? -1 : 1;
  if (x->customers != y->customers)
    return x->customers > y->customers ? -1 : 1;
  return strcmp (x->key, y->key);
}

/* Title words: by how many more members than the shop's customers have them, so a name says
 * what many of the cluster buy, not a word five of them share. */
static int
by_excess (gconstpointer a,
           gconstpointer b)
{
  const SdSegmentTrait *x = *(SdSegmentTrait **) a, *y = *(SdSegmentTrait **) b;
  double ex = x->share - x->share / x->lift, ey = y->share - y->share / y->lift;

  if (ex != ey)
    return ex > ey ? -1 : 1;
  return strcmp (x->key, y->key);
}

static int
by_share (gconstpointer a,
          gconstpointer b)
{
  const SdSegmentTrait *x = *(SdSegmentTrait **) a, *y = *(SdSegmentTrait **) b;

  if (x->customers != y->customers)
    return x->customers > y->customers ? -1 : 1;
  return strcmp (x->key, y->key);
}

/* The traits of @cluster: by lift (only those above 1 with support), or all by share. */
static GPtrArray *
tally_top_sorted (Tally        *t,
                  guint         cluster,
                  guint         size,
                  guint         total,
                  gboolean      lift_only,
                  GCompareFunc  order,
                  guint         max)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) trait_free);
  guint support = MAX (MIN_SUPPORT, (guint) ceil (0.05 * size));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, t->counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const guint *c = value;
      SdSegmentTrait *trait;
      double share, all;

      if (c[cluster] == 0 || (lift_only && c[cluster] < support))
        continue;
      share = (double) c[cluster] / size;
      all = (double) c[t->k] / total;
      if (lift_only && share <= all)
        continue;
      trait = g_new0 (SdSegmentTrait, 1);
      trait->key = g_strdup (key);
      trait->label = g_strdup (g_hash_table_lookup (t->labels, key));
      if (trait->label == NULL)
        trait->label = g_strdup (key);
      trait->customers = c[cluster];
      trait->share = share;
      trait->lift = all > 0 ? share / all : 0;
      g_ptr_array_add (out, trait);
    }
  g_ptr_array_sort (out, order ? order : lift_only ? by_lift : by_share);
  if (out->len > max)
    g_ptr_array_set_size (out, max);
  return out;
}

static GPtrArray *
tally_top (Tally    *t,
           guint     cluster,
           guint     size,
           guint     total,
           gboolean  lift_only,
           guint     max)
{
  return tally_top_sorted (t, cluster, size, total, lift_only, NULL, max);
}

/* ---- Reading the shop ----------------------------------------------------------- */

typedef struct {
  gint64 revenue;
  gint64 orders;
  gint64 last_order;
} Money;

static gboolean
read_money (SdStore     *store,
            GHashTable  *index,
            Money       *money,
            gint64      *now,
            GError     **error)
{
  g_autoptr(SdStmt) revenue = sd_store_prepare (store,
    "SELECT o.customer_id, sum(" SD_SQL_LINE_REVENUE ("l") ")"
    " FROM order_lines l JOIN orders o ON o.id = l.order_id"
    " LEFT JOIN products p ON p.id = l.product_id"
    " WHERE o.customer_id IS NOT NULL AND " SD_SQL_LINE_COUNTS ("o", "l") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
    " GROUP BY o.customer_id", error);
  g_autoptr(SdStmt) orders = NULL;
  g_autoptr(SdStmt) newest = NULL;
  int rc;

  if (revenue == NULL)
    return FALSE;
  while ((rc = sqlite3_step (revenue)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (revenue, 0);
      gpointer found = g_hash_table_lookup (index, &id);
      if (found)
        money[GPOINTER_TO_UINT (found) - 1].revenue = sqlite3_column_int64 (revenue, 1);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not sum the customers' revenue"), error);

  if (!(orders = sd_store_prepare (store,
    "SELECT o.customer_id, count(*), max(o.placed_at) FROM orders o"
    " WHERE o.customer_id IS NOT NULL AND " SD_SQL_ORDER_IS_SALE ("o")
    " AND EXISTS (SELECT 1 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
    "             WHERE l.order_id = o.id AND l.quantity > 0 AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ")"
    " GROUP BY o.customer_id", error)))
    return FALSE;
  while ((rc = sqlite3_step (orders)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (orders, 0);
      gpointer found = g_hash_table_lookup (index, &id);
      if (found)
        {
          money[GPOINTER_TO_UINT (found) - 1].orders = sqlite3_column_int64 (orders, 1);
          money[GPOINTER_TO_UINT (found) - 1].last_order = sqlite3_column_int64 (orders, 2);
        }
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not count the customers' orders"), error);

  if (!(newest = sd_store_prepare (store, "SELECT coalesce(max(placed_at), 0) FROM orders", error)))
    return FALSE;
  if (sqlite3_step (newest) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not read the newest order"), error);
  *now = sqlite3_column_int64 (newest, 0);
  return TRUE;
}

static gboolean
is_stop_word (const char *w)
{
  for (guint i = 0; i < G_N_ELEMENTS (stop_words); i++)
    if (strcmp (w, stop_words[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Lower-case words of three letters or more from an English title. */
static char **
title_words (const char *title)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr(GString) word = g_string_new (NULL);

  for (const char *p = title ? title : "";; p++)
    {
      if (g_ascii_isalpha (*p))
        g_string_append_c (word, g_ascii_tolower (*p));
      else
        {
          if (word->len >= 3 && !is_stop_word (word->str))
            g_strv_builder_add (b, word->str);
          g_string_truncate (word, 0);
          if (*p == '\0')
            break;
        }
    }
  return g_strv_builder_end (b);
}

/* Who bought what: distinct customers per category, product and title word, per cluster.
 * Purchases are positive merchandise lines of sales. */
static gboolean
read_purchases (SdStore        *store,
                SdCustomerMap  *map,
                GHashTable     *index,
                Tally          *categories,
                Tally          *products,
                Tally          *words,
                GCancellable   *cancellable,
                GError        **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
    "SELECT DISTINCT o.customer_id, p.id, p.external_id, p.title, p.category"
    " FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id"
    " WHERE o.customer_id IS NOT NULL AND l.quantity > 0 AND " SD_SQL_ORDER_IS_SALE ("o")
    " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
    " ORDER BY o.customer_id", error);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 current = -1;
  guint rows = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 customer = sqlite3_column_int64 (stmt, 0);
      gpointer found = g_hash_table_lookup (index, &customer);
      const char *ext = (const char *) sqlite3_column_text (stmt, 2);
      const char *title = (const char *) sqlite3_column_text (stmt, 3);
      const char *category = (const char *) sqlite3_column_text (stmt, 4);
      guint cluster;

      if (++rows % 65536 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!found)
        continue;
      cluster = map->customer_cluster[GPOINTER_TO_UINT (found) - 1];
      if (customer != current)
        {
          g_hash_table_remove_all (seen);
          current = customer;
        }
      tally_add (products, ext, title, cluster);
      if (category && *category)
        {
          g_autofree char *key = g_strconcat ("c:", category, NULL);
          if (g_hash_table_add (seen, g_steal_pointer (&key)))
            tally_add (categories, category, NULL, cluster);
        }
      {
        g_auto(GStrv) ws = title_words (title);
        for (guint i = 0; ws[i]; i++)
          {
            g_autofree char *key = g_strconcat ("w:", ws[i], NULL);
            if (g_hash_table_add (seen, g_steal_pointer (&key)))
              tally_add (words, ws[i], NULL, cluster);
          }
      }
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read what the customers bought"), error);
  return TRUE;
}

static gboolean
read_people (SdStore        *store,
             SdCustomerMap  *map,
             Tally          *countries,
             Tally          *tiers,
             GError        **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT country, segment FROM customers WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < map->n_customers; i++)
    {
      const char *country, *tier;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, map->customer_ids[i]);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        continue;
      country = (const char *) sqlite3_column_text (stmt, 0);
      tier = (const char *) sqlite3_column_text (stmt, 1);
      tally_add (countries, country && *country ? country : "", NULL, map->customer_cluster[i]);
      tally_add (tiers, tier && *tier ? tier : "", NULL, map->customer_cluster[i]);
    }
  return TRUE;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* ---- Names ---------------------------------------------------------------------- */

static char *
capitalise (const char *word)
{
  char *out = g_strdup (word);
  if (*out)
    out[0] = g_ascii_toupper (out[0]);
  return out;
}

static char *
setting_key (const char *model,
             guint       k,
             guint       id)
{
  return g_strdup_printf ("segments.name.%s.%u.%u", model, k, id);
}

static gboolean
ui_is_chinese (void)
{
  const char *const *langs = g_get_language_names ();
  const char *msg = g_getenv ("LANGUAGE");

  if (msg && *msg)
    return g_str_has_prefix (msg, "zh");
  return langs[0] && g_str_has_prefix (langs[0], "zh");
}

static void
make_names (SdStore    *store,
            SdSegments *segments)
{
  SdCustomerMap *map = segments->map;
  g_autofree char *zh_json = sd_store_get_setting (store, "categories.zh_CN");
  g_autoptr(SdJsonNode) zh = zh_json ? sd_json_parse (zh_json, -1, "categories.zh_CN", NULL) : NULL;
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  double per_customer = map->n_customers ? (double) segments->revenue_cents / map->n_customers : 0;
  gboolean chinese = ui_is_chinese ();

  for (guint c = 0; c < segments->profiles->len; c++)
    {
      SdSegmentProfile *p = g_ptr_array_index (segments->profiles, c);
      g_autoptr(GPtrArray) en = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) zhp = g_ptr_array_new_with_free_func (g_free);
      GPtrArray *taste = segments->has_categories ? p->top_categories : p->top_words;
      g_autoptr(GString) taste_en = g_string_new (NULL);
      g_autoptr(GString) taste_zh = g_string_new (NULL);
      g_autofree char *custom = NULL, *key = NULL;
      double ratio;

      for (guint t = 0; t < taste->len && t < 2; t++)
        {
          SdSegmentTrait *trait = g_ptr_array_index (taste, t);
          g_autofree char *shown = segments->has_categories ? g_strdup (trait->key) : capitalise (trait->key);
          const char *zh_name = zh && segments->has_categories ? sd_json_node_get_member_string (zh, trait->key) : NULL;

          if (trait->lift < 1.2)
            break;
          g_string_append_printf (taste_en, "%s%s", t ? " & " : "", shown);
          g_string_append_printf (taste_zh, "%s%s", t ? "、" : "", zh_name ? zh_name : shown);
        }
      if (taste_en->len == 0)
        {
          g_string_assign (taste_en, phrases[PHRASE_MIXED].en);
          g_string_assign (taste_zh, phrases[PHRASE_MIXED].zh);
        }
      g_ptr_array_add (en, g_strdup (taste_en->str));
      g_ptr_array_add (zhp, g_strdup (taste_zh->str));

      if (p->countries->len > 0)
        {
          SdSegmentTrait *top = g_ptr_array_index (p->countries, 0);
          /* Only a country that sets the cluster apart: "United Kingdom" on every cluster of a
           * British shop says nothing. */
          if (*top->key && ((top->share >= 0.6 && top->lift >= 1.2) || (top->share >= 0.3 && top->lift >= 2)))
            {
              g_ptr_array_add (en, g_strdup (top->key));
              g_ptr_array_add (zhp, g_strdup (top->key));
            }
        }

      ratio = per_customer > 0 && p->size > 0 ? (double) p->revenue_cents / p->size / per_customer : 1;
      if (ratio >= 1.5 || ratio <= 0.6)
        {
          guint phrase = ratio >= 1.5 ? PHRASE_HIGH_SPEND : PHRASE_LOW_SPEND;
          g_ptr_array_add (en, g_strdup (phrases[phrase].en));
          g_ptr_array_add (zhp, g_strdup (phrases[phrase].zh));
        }
      g_ptr_array_add (en, NULL);
      g_ptr_array_add (zhp, NULL);
      p->name_en = g_strjoinv (NAME_SEPARATOR, (char **) en->pdata);
      p->name_zh = g_strjoinv (NAME_SEPARATOR, (char **) zhp->pdata);
      /* Two clusters alike in every part get their number, so names stay distinct. (Asked
       * first: g_hash_table_add on a name already there keeps the new string as the key,
       * which is freed just below.) */
      if (!g_hash_table_contains (used, p->name_en))
        g_hash_table_add (used, p->name_en);
      else
        {
          char *en_n = g_strdup_printf ("%s #%u", p->name_en, p->id + 1);
          char *zh_n = g_strdup_printf ("%s #%u", p->name_zh, p->id + 1);
          g_free (p->name_en);
          g_free (p->name_zh);
          p->name_en = en_n;
          p->name_zh = zh_n;
          g_hash_table_add (used, p->name_en);
        }

      key = setting_key (map->model, map->k, p->id);
      custom = sd_store_get_setting (store, key);
      p->renamed = custom && *custom;
      p->name = g_strdup (p->renamed ? custom : chinese ? p->name_zh : p->name_en);
    }
}

/* ---- Profiles ------------------------------------------------------------------- */

SdSegments *
sd_segments_profile (SdStore        *store,
                     SdCustomerMap  *map,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(SdSegments) segments = g_new0 (SdSegments, 1);
  g_autoptr(GHashTable) index = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree Money *money = NULL;
  Tally categories, products, words, countries, tiers;
  guint k = map->k, n = map->n_customers;
  gboolean ok = FALSE;

  segments->map = map;
  segments->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) profile_free);
  if (n == 0)
    return g_steal_pointer (&segments);

  money = g_new0 (Money, n);
  for (guint i = 0; i < n; i++)
    g_hash_table_insert (index, &map->customer_ids[i], GUINT_TO_POINTER (i + 1));
  tally_init (&categories, k);
  tally_init (&products, k);
  tally_init (&words, k);
  tally_init (&countries, k);
  tally_init (&tiers, k);

  if (!read_money (store, index, money, &segments->now, error) ||
      !read_purchases (store, map, index, &categories, &products, &words, cancellable, error) ||
      !read_people (store, map, &countries, &tiers, error))
    goto out;
  segments->has_categories = g_hash_table_size (categories.counts) > 1;

  for (guint i = 0; i < n; i++)
    {
      segments->revenue_cents += money[i].revenue;
      segments->orders += money[i].orders;
    }
  for (guint c = 0; c < k; c++)
    {
      SdSegmentProfile *p = g_new0 (SdSegmentProfile, 1);
      g_autoptr(GArray) recency = g_array_new (FALSE, FALSE, sizeof (double));

      p->id = c;
      for (guint i = 0; i < n; i++)
        if (map->customer_cluster[i] == c)
          {
            p->size++;
            p->revenue_cents += money[i].revenue;
            p->orders += money[i].orders;
            if (money[i].orders > 0)
              {
                double days = (segments->now - money[i].last_order) / SECONDS_PER_DAY;
                g_array_append_val (recency, days);
              }
          }
      p->customer_share = (double) p->size / n;
      p->revenue_share = segments->revenue_cents != 0 ? (double) p->revenue_cents / segments->revenue_cents : 0;
      p->aov_cents = p->orders > 0 ? (gint64) llround ((double) p->revenue_cents / p->orders) : 0;
      p->orders_per_customer = p->size ? (double) p->orders / p->size : 0;
      if (recency->len > 0)
        {
          g_array_sort (recency, compare_double);
          p->recency_days = recency->len % 2
                            ? g_array_index (recency, double, recency->len / 2)
                            : (g_array_index (recency, double, recency->len / 2 - 1) +
                               g_array_index (recency, double, recency->len / 2)) / 2;
        }
      else
        p->recency_days = NAN;
      p->top_categories = tally_top (&categories, c, MAX (p->size, 1), n, TRUE, TOP_TRAITS);
      p->top_products = tally_top (&products, c, MAX (p->size, 1), n, TRUE, TOP_TRAITS);
      p->top_words = tally_top_sorted (&words, c, MAX (p->size, 1), n, TRUE, by_excess, TOP_TRAITS);
      p->countries = tally_top (&countries, c, MAX (p->size, 1), n, FALSE, 3);
      p->tiers = tally_top (&tiers, c, MAX (p->size, 1), n, FALSE, 8);
      g_ptr_array_add (segments->profiles, p);
    }
  make_names (store, segments);

  /* The map's legend says the names, not numbers. */
  {
    SdCustomerColouring *colouring = sd_customer_map_get_colouring (map, "cluster");
    for (guint c = 0; colouring && c < k; c++)
      {
        SdSegmentProfile *p = g_ptr_array_index (segments->profiles, c);
        g_free (colouring->names[c]);
        colouring->names[c] = g_strdup (p->name);
      }
  }
  ok = TRUE;

out:
  tally_clear (&categories);
  tally_clear (&products);
  tally_clear (&words);
  tally_clear (&countries);
  tally_clear (&tiers);
  if (!ok)
    segments->map = NULL;   /* the caller keeps it on failure */
  return ok ? g_steal_pointer (&segments) : NULL;
}

GArray *
sd_segments_members (SdSegments *segments,
                     guint       id)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  SdCustomerMap *map = segments->map;

  for (guint i = 0; map && i < map->n_customers; i++)
    if (map->customer_cluster[i] == id)
      g_array_append_val (ids, map->customer_ids[i]);
  return ids;
}

char *
sd_segments_definition (SdSegments *segments,
                        guint       id)
{
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "model", segments->map->model);
  sd_json_writer_member_int (w, "k", segments->map->k);
  sd_json_writer_member_int (w, "cluster", id);
  sd_json_writer_end_object (w);
  return sd_json_writer_finish (g_steal_pointer (&w));
}

gboolean
sd_segments_rename (SdStore     *store,
                    const char  *model,
                    guint        k,
                    guint        id,
                    const char  *name,
                    GError     **error)
{
  g_autofree char *key = setting_key (model, k, id);
  g_autofree char *clean = g_strstrip (g_strdup (name ? name : ""));

  return sd_store_set_setting (store, key, *clean ? clean : NULL, error);
}

/* The members of the cluster an audience was saved from, when it is of this model and k. */
static GArray *
cluster_members_for (SdJsonNode *def,
                     gpointer    user_data)
{
  SdSegments *segments = user_data;
  SdJsonNode *k = sd_json_node_get_member (def, "k"), *cluster = sd_json_node_get_member (def, "cluster");

  if (g_strcmp0 (sd_json_node_get_member_string (def, "model"), segments->map->model) != 0 ||
      !k || !cluster || (guint) sd_json_node_get_number (k) != segments->map->k ||
      sd_json_node_get_number (cluster) < 0 || sd_json_node_get_number (cluster) >= segments->map->k)
    return NULL;
  return sd_segments_members (segments, (guint) sd_json_node_get_number (cluster));
}

SdSegments *
sd_segments_compute (SdStore       *store,
                     gboolean       use_stored,
                     guint          k,
                     gboolean       refresh,
                     SdJob         *job,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SdCustomerMap *map = sd_customer_map_compute (store, 0, 0, use_stored, k, job, cancellable, error);
  g_autoptr(SdSegments) segments = NULL;

  if (map == NULL)
    return NULL;
  if (job)
    sd_job_set_progress (job, 0.97, _("Describing the groups"));
  if (!(segments = sd_segments_profile (store, map, cancellable, error)))
    {
      sd_customer_map_free (map);
      return NULL;
    }
  if (!(segments->rfm = sd_rfm_compute (store, cancellable, error)))
    return NULL;
  if (refresh && map->n_customers > 0 &&
      (!sd_audience_refresh (store, "cluster", cluster_members_for, segments, &segments->n_refreshed, error) ||
       !sd_rfm_refresh_audiences (store, segments->rfm, &segments->n_refreshed, error)))
    return NULL;
  return g_steal_pointer (&segments);
}

typedef struct {
  char       *db_path;
  gboolean    use_stored;
  guint       k;
  SdSegments *result;
} JobData;

static void
job_data_free (JobData *d)
{
  g_free (d->db_path);
  sd_segments_free (d->result);
  g_free (d);
}

static gboolean
job_func (SdJob         *job,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  JobData *d = data;
  g_autoptr(SdStore) store = sd_store_open (d->db_path, error);

  if (!store)
    return FALSE;
  sd_store_set_wait (store, cancellable, -1, NULL, NULL);
  d->result = sd_segments_compute (store, d->use_stored, d->k, !sd_store_is_read_only (store), job, cancellable, error);
  if (d->result)
    sd_job_set_progress (job, 1.0, _("Done"));
  return d->result != NULL;
}

SdJob *
sd_segments_job_new (const char *db_path,
                     gboolean    use_stored,
                     guint       k)
{
  JobData *d = g_new0 (JobData, 1);

  g_return_val_if_fail (db_path != NULL, NULL);
  d->db_path = g_strdup (db_path);
  d->use_stored = use_stored;
  d->k = k;
  return sd_job_new (_("Finding customer segments"), job_func, d, (GDestroyNotify) job_data_free);
}

SdSegments *
sd_segments_job_steal_result (SdJob *job)
{
  JobData *d = sd_job_get_data (job);
  return d ? g_steal_pointer (&d->result) : NULL;
}
