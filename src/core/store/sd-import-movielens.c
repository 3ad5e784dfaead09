/* sd-import-movielens.c — MovieLens ratings as review events
 *
 * Two generations: the 100K release (u.data: user, item, rating, time, tab-separated,
 * no header; u.item beside it: `|`-separated titles and 19 genre flags, Latin-1) and
 * the newer ones (ratings.csv: userId,movieId,rating,timestamp; movies.csv:
 * movieId,title,genres). The movie file beside a ratings file is read first, so the
 * products get their titles and genres; either movie file can also be imported alone.
 * Users become customers “ml-<id>”, movies products “ml-<id>”.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-import-private.h"

typedef enum {
  MODE_RATINGS_TAB,     /* u.data, u1.base, … */
  MODE_ITEMS_PIPE,      /* u.item */
  MODE_CSV,             /* ratings.csv or movies.csv: the header tells which */
} Mode;

typedef struct {
  Mode     mode;
  gboolean movies;      /* rows are movies, not ratings */
  int      user, item, rating, time, title, genres;
} State;

/* The 100K release's genre flags, in u.item's column order (u.genre lists the same). */
static const char *const genre_names[] = {
  "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
  "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
  "Romance", "Sci-Fi", "Thriller", "War", "Western",
};

static gpointer
state_new (void)
{
  return g_new0 (State, 1);
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static int
match (char  **header,
       guint   n_header)
{
  static const char *const ratings[] = { "userid", "movieid", "rating", NULL };
  static const char *const movies[] = { "movieid", "title", "genres", NULL };
  int score;

  if ((score = sd_import_match_columns (header, n_header, ratings, (const char *const[]) { "timestamp", NULL })))
    return score;
  if ((score = sd_import_match_columns (header, n_header, movies, NULL)))
    return score;

  /* No header: u.data is four numbers a line, u.item a number, a title and 19 flags. */
  if (n_header == 4 && all_digits (header[0]) && all_digits (header[1]) &&
      all_digits (header[2]) && all_digits (header[3]))
    return 5;
  if (n_header == 24 && all_digits (header[0]) && all_digits (header[5]))
    return 5;
  return 0;
}

static gboolean
is_item_file (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  return g_str_has_suffix (base, ".item");
}

static void
setup (SdImportContext *ctx,
       SdCsvReader     *reader)
{
  State *s = ctx->state;

  if (is_item_file (ctx->path))
    s->mode = MODE_ITEMS_PIPE;
  else if (g_str_has_suffix (ctx->path, ".csv") || g_str_has_suffix (ctx->path, ".csv.gz"))
    s->mode = MODE_CSV;
  else
    s->mode = MODE_RATINGS_TAB;

  switch (s->mode)
    {
    case MODE_RATINGS_TAB:
      sd_csv_reader_set_separator (reader, '\t');
      sd_csv_reader_set_quote (reader, 0);
      ctx->has_header = FALSE;
      break;
    case MODE_ITEMS_PIPE:
      sd_csv_reader_set_separator (reader, '|');
      sd_csv_reader_set_quote (reader, 0);
      sd_csv_reader_set_fallback_charset (reader, "ISO-8859-1");
      ctx->has_header = FALSE;
      break;
    case MODE_CSV:
      sd_csv_reader_set_separator (reader, ',');
      ctx->has_header = TRUE;
      break;
    }
}

static char *
genres_from_flags (SdCsvReader *reader,
                   char       **category)
{
  GString *tags = g_string_new (NULL);

  *category = NULL;
  for (guint g = 0; g < G_N_ELEMENTS (genre_names); g++)
    if (strcmp (sd_csv_reader_get_field (reader, 5 + g, NULL), "1") == 0)
      {
        if (tags->len)
          g_string_append_c (tags, ',');
        g_string_append (tags, genre_names[g]);
        if (*category == NULL && g > 0)
          *category = g_strdup (genre_names[g]);
      }
  if (*category == NULL && tags->len)
    *category = g_strdup (genre_names[0]);
  return g_string_free (tags, tags->len == 0);
}

/* One movie from the current record of @reader; FALSE only on a database error. */
static gboolean
save_movie (SdImportContext  *ctx,
            SdCsvReader      *reader,
            gboolean          pipe,
            int               id_column,
            int               title_column,
            int               genres_column,
            gboolean         *bad,
            GError          **error)
{
  const char *id = sd_csv_reader_get_field (reader, id_column, NULL);
  g_autofree char *external_id = NULL;
  g_autofree char *category = NULL;
  g_autofree char *tags = NULL;
  SdImportProduct product = { 0 };

  *bad = !all_digits (id) || (pipe && sd_csv_reader_get_n_fields (reader) < 24);
  if (*bad)
    return TRUE;
  external_id = g_strconcat ("ml-", id, NULL);
  if (pipe)
    tags = genres_from_flags (reader, &category);
  else
    {
      g_auto(GStrv) genres = g_strsplit (sd_csv_reader_get_field (reader, genres_column, NULL), "|", -1);
      if (genres[0] && *genres[0] && strcmp (genres[0], "(no genres listed)") != 0)
        {
          category = g_strdup (genres[0]);
          tags = g_strjoinv (",", genres);
        }
    }
  product.external_id = external_id;
  product.title = sd_csv_reader_get_field (reader, title_column, NULL);
  product.category = category;
  product.tags = tags;
  product.price_cents = -1;
  product.stock = -1;
  return sd_import_product (ctx, &product, error) > 0;
}

/* Reads the movie file that sits beside a ratings file, when there is one. */
static gboolean
load_movies_beside (SdImportContext  *ctx,
                    GError          **error)
{
  State *s = ctx->state;
  g_autofree char *dir = g_path_get_dirname (ctx->path);
  g_autofree char *path = g_build_filename (dir, s->mode == MODE_CSV ? "movies.csv" : "u.item", NULL);
  g_autoptr(SdCsvReader) reader = NULL;
  g_autoptr(GError) local = NULL;
  gboolean pipe = s->mode != MODE_CSV;
  int id = 0, title = 1, genres = 2;
  guint64 movies = 0, skipped = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      sd_import_count (ctx, "ratings-without-movie-file");
      return TRUE;
    }
  if (!(reader = sd_csv_reader_new_for_path (path, &local)))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, "%s", local->message);
      return FALSE;
    }
  sd_csv_reader_set_trim (reader, TRUE);
  if (pipe)
    {
      sd_csv_reader_set_separator (reader, '|');
      sd_csv_reader_set_quote (reader, 0);
      sd_csv_reader_set_fallback_charset (reader, "ISO-8859-1");
    }
  else if (sd_csv_reader_next (reader, &local))
    {
      /* movies.csv: find the columns by name. */
      for (guint i = 0; i < sd_csv_reader_get_n_fields (reader); i++)
        {
          const char *name = sd_csv_reader_get_field (reader, i, NULL);
          if (g_ascii_strcasecmp (name, "movieId") == 0)
            id = i;
          else if (g_ascii_strcasecmp (name, "title") == 0)
            title = i;
          else if (g_ascii_strcasecmp (name, "genres") == 0)
            genres = i;
        }
    }

  while (local == NULL && sd_csv_reader_next (reader, &local))
    {
      gboolean bad;
      if (!save_movie (ctx, reader, pipe, id, title, genres, &bad, error))
        return FALSE;
      if (bad)
        skipped++;
      else
        movies++;
    }
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  sd_import_count_add (ctx, "movies-from-movie-file", movies);
  sd_import_count_add (ctx, "movie-file-lines-skipped", skipped);
  return TRUE;
}

static gboolean
begin (SdImportContext  *ctx,
       GError          **error)
{
  State *s = ctx->state;

  switch (s->mode)
    {
    case MODE_RATINGS_TAB:
      s->user = 0, s->item = 1, s->rating = 2, s->time = 3;
      /* No header, but errors name the column all the same: u.data's README's names. */
      g_strfreev (ctx->header);
      g_strfreev (ctx->header_lower);
      ctx->header = g_strdupv ((char **) (const char *const[]) { "user_id", "item_id", "rating", "timestamp", NULL });
      ctx->header_lower = g_strdupv (ctx->header);
      ctx->n_header = 4;
      return load_movies_beside (ctx, error);
    case MODE_ITEMS_PIPE:
      s->movies = TRUE;
      return TRUE;
    case MODE_CSV:
      s->movies = sd_import_column (ctx, (const char *const[]) { "genres", NULL }) >= 0;
      if (s->movies)
        return sd_import_require (ctx, (const char *const[]) { "movieid", NULL }, &s->item, error) &&
               sd_import_require (ctx, (const char *const[]) { "title", NULL }, &s->title, error) &&
               sd_import_require (ctx, (const char *const[]) { "genres", NULL }, &s->genres, error);
      s->time = sd_import_column (ctx, (const char *const[]) { "timestamp", NULL });
      return sd_import_require (ctx, (const char *const[]) { "userid", NULL }, &s->user, error) &&
             sd_import_require (ctx, (const char *const[]) { "movieid", NULL }, &s->item, error) &&
             sd_import_require (ctx, (const char *const[]) { "rating", NULL }, &s->rating, error) &&
             load_movies_beside (ctx, error);
    }
  return TRUE;
}

static gboolean
row (SdImportContext  *ctx,
     GError          **error)
{
  State *s = ctx->state;
  const char *user, *item;
  char user_id[48], item_id[48];
  gint64 at = 0, cents, customer_id, product_id;
  int rating;

  if (s->movies)
    {
      gboolean pipe = s->mode == MODE_ITEMS_PIPE, bad;
      if (!save_movie (ctx, ctx->reader, pipe, pipe ? 0 : s->item, pipe ? 1 : s->title,
                       s->genres, &bad, error))
        return FALSE;
      if (bad)
        sd_import_reject (ctx, pipe ? _("not a u.item line (a movie number and 24 fields)")
                                    : _("bad movie number in column movieId"));
      return TRUE;
    }

  if (s->mode == MODE_RATINGS_TAB && sd_csv_reader_get_n_fields (ctx->reader) != 4)
    return sd_import_reject (ctx, _("%u fields where u.data has 4 (user, item, rating, time)"),
                             sd_csv_reader_get_n_fields (ctx->reader));

  user = sd_import_field (ctx, s->user);
  item = sd_import_field (ctx, s->item);
  if (!all_digits (user))
    return sd_import_reject (ctx, _("bad user number “%.40s”"), user);
  if (!all_digits (item))
    return sd_import_reject (ctx, _("bad movie number “%.40s”"), item);
  /* Newer releases rate in half stars: parse exactly, then round half up. */
  if (!sd_import_get_cents (ctx, s->rating, TRUE, &cents))
    return TRUE;
  if (cents < 50 || cents > 500)
    return sd_import_reject (ctx, _("rating “%s” is not between 0.5 and 5"), sd_import_field (ctx, s->rating));
  rating = (cents + 50) / 100;
  if (cents % 100 != 0)
    sd_import_count (ctx, "half-star-ratings-rounded-up");
  if (s->time >= 0 && !sd_import_get_time (ctx, s->time, FALSE, &at))
    return TRUE;

  g_snprintf (user_id, sizeof user_id, "ml-%s", user);
  g_snprintf (item_id, sizeof item_id, "ml-%s", item);
  if ((customer_id = sd_import_customer (ctx, user_id, NULL, NULL, NULL, error)) < 0 ||
      (product_id = sd_import_product_ref (ctx, item_id, NULL, error)) < 0)
    return FALSE;
  return sd_import_event (ctx, customer_id, product_id, SD_EVENT_REVIEW, at, 1, rating, NULL, error);
}

const SdImportFormatInfo sd_import_movielens = {
  .format = SD_IMPORT_MOVIELENS,
  .name = "movielens",
  .label = N_("MovieLens ratings"),
  .match = match,
  .setup = setup,
  .begin = begin,
  .row = row,
  .state_new = state_new,
  .state_free = g_free,
  .has_header = TRUE,
};
