/* sd-shop-values.c — the values a shop's customers and products have */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-figures.h"
#include "sd-shop-values.h"
#include "sd-summary.h"

#define MAX_TYPO_DISTANCE 3

struct _SdShopValues
{
  GPtrArray *values[SD_SHOP_N_VALUE_KINDS];
  GPtrArray *titles;     /* of the products, parallel to values[SD_SHOP_VALUE_PRODUCT] */
};

/* Each kind's question: distinct non-empty values, the most used first (so a cap keeps
 * the ones that matter). Tags are split in C: one product holds several. */
static const char *const queries[SD_SHOP_N_VALUE_KINDS] = {
  [SD_SHOP_VALUE_COUNTRY] =
    "SELECT country, NULL FROM customers WHERE country IS NOT NULL AND country <> ''"
    " GROUP BY country ORDER BY count(*) DESC, country LIMIT ?1",
  [SD_SHOP_VALUE_SEGMENT] =
    "SELECT segment, NULL FROM customers WHERE segment IS NOT NULL AND segment <> ''"
    " GROUP BY segment ORDER BY count(*) DESC, segment LIMIT ?1",
  [SD_SHOP_VALUE_CATEGORY] =
    "SELECT category, NULL FROM products WHERE category IS NOT NULL AND category <> ''"
    " GROUP BY category ORDER BY count(*) DESC, category LIMIT ?1",
  [SD_SHOP_VALUE_TAG] =
    "SELECT tags, NULL FROM products WHERE tags IS NOT NULL AND tags <> '' LIMIT 100000",
  [SD_SHOP_VALUE_PRODUCT] =
    "SELECT p.external_id, p.title FROM products p WHERE " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
    " AND p.external_id IS NOT NULL ORDER BY p.id LIMIT ?1",
};

/* The same two from the summary of customers by country and segment (sd-summary.h), which
 * every shop of the current schema keeps: reading a million customers took seconds. */
static const char *const summary_queries[SD_SHOP_VALUE_SEGMENT + 1] = {
  [SD_SHOP_VALUE_COUNTRY] =
    "SELECT country, NULL FROM summary_customer_groups WHERE has_country AND country <> '' AND n > 0"
    " GROUP BY country ORDER BY sum(n) DESC, country LIMIT ?1",
  [SD_SHOP_VALUE_SEGMENT] =
    "SELECT segment, NULL FROM summary_customer_groups WHERE has_segment AND segment <> '' AND n > 0"
    " GROUP BY segment ORDER BY sum(n) DESC, segment LIMIT ?1",
};

static int
compare_nocase (gconstpointer a,
                gconstpointer b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  g_autofree char *fx = g_utf8_casefold (x, -1);
  g_autofree char *fy = g_utf8_casefold (y, -1);
  int c = g_utf8_collate (fx, fy);

  return c ? c : strcmp (x, y);
}

typedef struct {
  char *value;
  char *title;
} Pair;

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const Pair *x = a, *y = b;
  return compare_nocase (&x->value, &y->value);
}

static gboolean
load_tags (SdStmt     *stmt,
           guint       limit,
           GPtrArray  *out)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(GStrv) tags = g_strsplit ((const char *) sqlite3_column_text (stmt, 0), ",", -1);
      for (guint i = 0; tags[i] && g_hash_table_size (seen) < limit; i++)
        {
          char *tag = g_strstrip (tags[i]);
          g_autofree char *key = g_utf8_casefold (tag, -1);
          if (*tag && !g_hash_table_contains (seen, key))
            {
              g_hash_table_add (seen, g_steal_pointer (&key));
              g_ptr_array_add (out, g_strdup (tag));
            }
        }
    }
  return rc == SQLITE_DONE;
}

SdShopValues *
sd_shop_values_load (SdStore       *store,
                     guint          limit,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SdShopValues *values = g_atomic_rc_box_new0 (SdShopValues);
  g_autoptr(SdShopValues) owned = values;
  gboolean has_summary;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  has_summary = sd_summary_state (store) != SD_SUMMARY_ABSENT;
  for (guint k = 0; k < SD_SHOP_N_VALUE_KINDS; k++)
    {
      gboolean summarised = (k == SD_SHOP_VALUE_COUNTRY || k == SD_SHOP_VALUE_SEGMENT) && has_summary;
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, summarised ? summary_queries[k] : queries[k], error);
      g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
      int rc;

      values->values[k] = g_ptr_array_new_with_free_func (g_free);
      if (stmt == NULL)
        return NULL;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (k == SD_SHOP_VALUE_TAG)
        {
          if (!load_tags (stmt, limit, values->values[k]))
            {
              sd_store_fail (store, _("Could not read the shop's values"), error);
              return NULL;
            }
          g_ptr_array_sort (values->values[k], compare_nocase);
          continue;
        }
      sqlite3_bind_int64 (stmt, 1, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          Pair pair = { g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                        g_strdup ((const char *) sqlite3_column_text (stmt, 1)) };
          g_array_append_val (pairs, pair);
        }
      if (rc != SQLITE_DONE)
        {
          for (guint i = 0; i < pairs->len; i++)
            g_free (g_array_index (pairs, Pair, i).value), g_free (g_array_index (pairs, Pair, i).title);
          sd_store_fail (store, _("Could not read the shop's values"), error);
          return NULL;
        }
      g_array_sort (pairs, compare_pairs);
      if (k == SD_SHOP_VALUE_PRODUCT)
        values->titles = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < pairs->len; i++)
        {
          Pair *pair = &g_array_index (pairs, Pair, i);
          g_ptr_array_add (values->values[k], pair->value);
          if (values->titles)
            g_ptr_array_add (values->titles, pair->title);
          else
            g_free (pair->title);
        }
    }
  return g_steal_pointer (&owned);
}

static void
values_clear (gpointer data)
{
  SdShopValues *values = data;

  for (guint k = 0; k < SD_SHOP_N_VALUE_KINDS; k++)
    g_clear_pointer (&values->values[k], g_ptr_array_unref);
  g_clear_pointer (&values->titles, g_ptr_array_unref);
}

SdShopValues *
sd_shop_values_ref (SdShopValues *values)
{
  return g_atomic_rc_box_acquire (values);
}

void
sd_shop_values_unref (SdShopValues *values)
{
  if (values)
    g_atomic_rc_box_release_full (values, values_clear);
}

GPtrArray *
sd_shop_values_get (SdShopValues    *values,
                    SdShopValueKind  kind)
{
  g_return_val_if_fail (values != NULL && kind < SD_SHOP_N_VALUE_KINDS, NULL);
  return values->values[kind];
}

GPtrArray *
sd_shop_values_titles (SdShopValues    *values,
                       SdShopValueKind  kind)
{
  g_return_val_if_fail (values != NULL, NULL);
  return kind == SD_SHOP_VALUE_PRODUCT ? values->titles : NULL;
}

gboolean
sd_shop_values_has (SdShopValues    *values,
                    SdShopValueKind  kind,
                    const char      *text)
{
  GPtrArray *list = sd_shop_values_get (values, kind);
  g_autofree char *key = g_utf8_casefold (text, -1);

  for (guint i = 0; list && i < list->len; i++)
    {
      g_autofree char *value = g_utf8_casefold (list->pdata[i], -1);
      if (strcmp (value, key) == 0)
        return TRUE;
    }
  return FALSE;
}

guint
sd_text_distance (const char *a,
                  const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a, -1);
  g_autofree char *fb = g_utf8_casefold (b, -1);
  glong na = 0, nb = 0;
  g_autofree gunichar *ua = g_utf8_to_ucs4_fast (fa, -1, &na);
  g_autofree gunichar *ub = g_utf8_to_ucs4_fast (fb, -1, &nb);
  g_autofree guint *row = g_new (guint, nb + 1);

  /* One row of the edit-distance table at a time. */
  for (glong j = 0; j <= nb; j++)
    row[j] = (guint) j;
  for (glong i = 1; i <= na; i++)
    {
      guint diagonal = row[0];
      row[0] = (guint) i;
      for (glong j = 1; j <= nb; j++)
        {
          guint above = row[j];
          guint cost = ua[i - 1] == ub[j - 1] ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[nb];
}

const char *
sd_shop_values_closest (SdShopValues    *values,
                        SdShopValueKind  kind,
                        const char      *text)
{
  GPtrArray *list = sd_shop_values_get (values, kind);
  guint len = g_utf8_strlen (text, -1);
  guint limit = MIN (MAX_TYPO_DISTANCE, MAX (1, len / 3));
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  for (guint i = 0; list && i < list->len; i++)
    {
      guint d = sd_text_distance (text, list->pdata[i]);
      if (d < best_distance)
        {
          best_distance = d;
          best = list->pdata[i];
        }
    }
  return best_distance <= limit ? best : NULL;
}

gboolean
sd_shop_values_check_list (SdShopValues     *values,
                           SdShopValueKind   kind,
                           const char       *list,
                           char            **unknown,
                           const char      **suggestion)
{
  g_auto(GStrv) names = g_strsplit (list ? list : "", ",", -1);

  *unknown = NULL;
  *suggestion = NULL;
  for (guint i = 0; names[i]; i++)
    {
      char *name = g_strstrip (names[i]);
      if (*name == '\0' || sd_shop_values_has (values, kind, name))
        continue;
      *unknown = g_strdup (name);
      *suggestion = sd_shop_values_closest (values, kind, name);
      return FALSE;
    }
  return TRUE;
}
