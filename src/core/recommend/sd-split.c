/* sd-split.c — holdout splits and the MovieLens fixed-split files */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "sd-csv.h"
#include "sd-error.h"
#include "sd-split.h"

void
sd_split_clear (SdSplit *split)
{
  g_clear_pointer (&split->train, sd_interactions_unref);
  g_clear_pointer (&split->test, sd_interactions_unref);
  split->n_dropped = 0;
}

/* Two matrices of @all's shape: cells with to_test[k] go to out->test, others to train.
 * Both keep @all's ids, so their dense indices are @all's (ids are sorted in every
 * matrix) and no test cell is dropped. */
static void
split_by_mask (SdInteractions *all,
               const guint8   *to_test,
               SdSplit        *out)
{
  out->train = sd_interactions_select (all, to_test, FALSE);
  out->test = sd_interactions_select (all, to_test, TRUE);
  out->n_dropped = 0;
}

void
sd_split_random_holdout (SdInteractions *all,
                         double          ratio,
                         guint32         seed,
                         SdSplit        *out)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *to_test = g_new0 (guint8, MAX (all->nnz, 1));
  g_autofree gsize *order = NULL;
  gsize longest = 1;

  g_return_if_fail (all != NULL && out != NULL);
  g_return_if_fail (ratio >= 0.0 && ratio < 1.0);

  /* one row's positions at a time, not one per cell of the shop */
  for (guint u = 0; u < all->n_users; u++)
    longest = MAX (longest, all->indptr[u + 1] - all->indptr[u]);
  order = g_new (gsize, longest);
  for (guint u = 0; u < all->n_users; u++)
    {
      gsize start = all->indptr[u], len = all->indptr[u + 1] - start;
      gsize n_test = (gsize) (ratio * len + 0.5);

      if (len < 2)
        continue;
      n_test = MIN (n_test, len - 1);
      for (gsize k = 0; k < len; k++)
        order[k] = start + k;
      /* Partial Fisher–Yates: the first n_test of a shuffle. */
      for (gsize k = 0; k < n_test; k++)
        {
          gsize j = k + (gsize) g_rand_int_range (rand, 0, (gint32) (len - k));
          gsize t = order[k];
          order[k] = order[j];
          order[j] = t;
          to_test[order[k]] = TRUE;
        }
    }
  split_by_mask (all, to_test, out);
}

void
sd_split_leave_last_out (SdInteractions *all,
                         SdSplit        *out)
{
  g_autofree guint8 *to_test = g_new0 (guint8, MAX (all->nnz, 1));

  g_return_if_fail (all != NULL && out != NULL);

  for (guint u = 0; u < all->n_users; u++)
    {
      gsize start = all->indptr[u], end = all->indptr[u + 1], last = start;

      if (end - start < 2)
        continue;
      for (gsize k = start + 1; k < end; k++)
        if (all->times[k] >= all->times[last])
          last = k;
      to_test[last] = TRUE;
    }
  split_by_mask (all, to_test, out);
}

/* ---- MovieLens ----------------------------------------------------------------------- */

/* @fields are the reader's: read them, keep copies. */
typedef gboolean (*LineFunc) (char **fields, guint n_fields, gpointer data, GError **error);

/* Calls @func with the fields of every line of @path (plain or .gz) split at @sep, with
 * the CSV reader (no quoting, as MovieLens has none; spaces around fields dropped; text
 * that is not UTF-8 taken as ISO-8859-1, the old files' encoding). */
static gboolean
read_lines (const char  *path,
            char         sep,
            guint        min_fields,
            LineFunc     func,
            gpointer     data,
            GError     **error)
{
  g_autoptr(SdCsvReader) reader = sd_csv_reader_new_for_path (path, error);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(GError) local = NULL;
  char sep_text[2] = { sep, '\0' };

  if (reader == NULL)
    return FALSE;
  sd_csv_reader_set_separator (reader, sep);
  sd_csv_reader_set_quote (reader, 0);
  sd_csv_reader_set_trim (reader, TRUE);
  sd_csv_reader_set_fallback_charset (reader, "ISO-8859-1");

  while (sd_csv_reader_next (reader, &local))
    {
      guint n = sd_csv_reader_get_n_fields (reader);
      guint64 line = sd_csv_reader_get_line (reader);

      if (n == 1 && *sd_csv_reader_get_field (reader, 0, NULL) == '\0')
        continue;   /* a line of spaces */
      if (n < min_fields)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("%s, line %llu: expected %u fields separated by “%s”, "
                       "found %u; is this a MovieLens file?"),
                       path, (unsigned long long) line, min_fields, sep == '\t' ? "\\t" : sep_text, n);
          return FALSE;
        }
      g_ptr_array_set_size (fields, 0);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (fields, (gpointer) sd_csv_reader_get_field (reader, i, NULL));
      g_ptr_array_add (fields, NULL);
      if (!func ((char **) fields->pdata, n, data, &local))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("%s, line %llu: %s"),
                       path, (unsigned long long) line, local->message);
          return FALSE;
        }
    }
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_int (const char  *text,
           const char  *what,
           gint64      *out,
           GError     **error)
{
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, NULL))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("%s “%s” is not a whole number"), what, text);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  SdInteractionsBuilder *builder;
  int                    min_rating;
  gboolean               add_items;
  gboolean               add_users;
} RatingsData;

static gboolean
rating_line (char      **f,
             guint       n,
             gpointer    data,
             GError    **error)
{
  RatingsData *d = data;
  gint64 user, item, rating, time;

  if (!parse_int (f[0], _("user"), &user, error) || !parse_int (f[1], _("item"), &item, error) ||
      !parse_int (f[2], _("rating"), &rating, error) || !parse_int (f[3], _("time"), &time, error))
    return FALSE;
  if (d->add_users)
    sd_interactions_builder_add_user (d->builder, user);
  if (d->add_items)
    sd_interactions_builder_add_item (d->builder, item);
  if (d->add_users && rating >= d->min_rating)
    sd_interactions_builder_add (d->builder, user, item, 1.0f, time);
  return TRUE;
}

static gboolean
item_line (char      **f,
           guint       n,
           gpointer    data,
           GError    **error)
{
  gint64 item;

  if (!parse_int (f[0], _("item"), &item, error))
    return FALSE;
  sd_interactions_builder_add_item (data, item);
  return TRUE;
}

gboolean
sd_split_read_movielens (const char  *base_path,
                         const char  *test_path,
                         const char  *items_path,
                         int          min_rating,
                         SdSplit     *out,
                         GError     **error)
{
  RatingsData d = { NULL, min_rating, items_path == NULL, TRUE };
  g_autoptr(SdInteractions) train = NULL;

  g_return_val_if_fail (base_path != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  d.builder = sd_interactions_builder_new ();
  if ((items_path && !read_lines (items_path, '|', 2, item_line, d.builder, error)) ||
      !read_lines (base_path, '\t', 4, rating_line, &d, error))
    {
      sd_interactions_builder_free (d.builder);
      return FALSE;
    }
  if (items_path == NULL && test_path != NULL)
    {
      /* Without u.item the catalogue is what either file mentions. */
      RatingsData items_only = { d.builder, G_MAXINT, TRUE, FALSE };
      if (!read_lines (test_path, '\t', 4, rating_line, &items_only, error))
        {
          sd_interactions_builder_free (d.builder);
          return FALSE;
        }
    }
  train = sd_interactions_builder_build (d.builder);

  if (test_path)
    {
      RatingsData t = { sd_interactions_builder_new (), min_rating, FALSE, TRUE };
      if (!read_lines (test_path, '\t', 4, rating_line, &t, error))
        {
          sd_interactions_builder_free (t.builder);
          return FALSE;
        }
      out->test = sd_interactions_builder_build_aligned (t.builder, train, &out->n_dropped);
    }
  out->train = g_steal_pointer (&train);
  return TRUE;
}

static const char * const genres[] = {
  "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
  "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
  "Romance", "Sci-Fi", "Thriller", "War", "Western",
};

typedef struct {
  SdCatalog      *catalog;
  SdInteractions *reference;
} CatalogData;

static gboolean
catalog_line (char      **f,
              guint       n,
              gpointer    data,
              GError    **error)
{
  CatalogData *d = data;
  gint64 id;
  int i;
  SdCatalogItem *item;
  g_autoptr(GString) tags = g_string_new (NULL);

  if (!parse_int (f[0], _("item"), &id, error))
    return FALSE;
  i = sd_interactions_item_index (d->reference, id);
  if (i < 0)
    return TRUE;
  item = &d->catalog->items[i];
  g_free (item->title);
  item->title = g_strdup (f[1]);   /* the reader made it UTF-8 */
  item->external_id = g_strdup (f[0]);
  for (guint g = 0; g < G_N_ELEMENTS (genres) && 5 + g < n; g++)
    if (strcmp (f[5 + g], "1") == 0)
      {
        if (!item->category)
          item->category = g_strdup (genres[g]);
        g_string_append_printf (tags, "%s%s", tags->len ? "," : "", genres[g]);
      }
  g_free (item->tags);
  item->tags = tags->len ? g_strdup (tags->str) : NULL;
  return TRUE;
}

SdCatalog *
sd_movielens_read_catalog (const char     *items_path,
                           SdInteractions *reference,
                           GError        **error)
{
  g_autoptr(SdCatalog) catalog = sd_catalog_new (reference->n_items);
  CatalogData d = { catalog, reference };

  for (guint i = 0; i < catalog->n_items; i++)
    catalog->items[i].id = reference->item_ids[i];
  if (!read_lines (items_path, '|', 5, catalog_line, &d, error))
    return NULL;
  return g_steal_pointer (&catalog);
}
