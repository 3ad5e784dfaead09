/* sd-rerank.c — MMR, category calibration and an exposure floor over a model's top list */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-rerank.h"

/* The re-ranked list is this long; below it the model's own order stands. Deep enough for
 * every list a page or the CLI shows by default, shallow enough to stay cheap per user. */
#define RERANK_DEPTH 30
/* Candidates the re-ranking chooses from: the model's best ones. */
#define RERANK_POOL 120
/* The exposure floor reserves up to this many of the first ten places. */
#define FLOOR_MAX 5
#define FLOOR_WINDOW 10
/* Head items together hold this share of interactions; the rest is the long tail. */
#define HEAD_SHARE 0.8

static const char *const kind_names[SD_N_RERANK_KINDS] = { "none", "mmr", "calibrate", "exposure" };

const char *
sd_rerank_kind_to_string (SdRerankKind kind)
{
  g_return_val_if_fail (kind < SD_N_RERANK_KINDS, NULL);
  return kind_names[kind];
}

const char *
sd_rerank_kind_get_label (SdRerankKind kind)
{
  switch (kind)
    {
    case SD_RERANK_MMR:
      return _("Diversity (MMR)");
    case SD_RERANK_CALIBRATE:
      return _("Category calibration");
    case SD_RERANK_EXPOSURE:
      return _("Exposure floor");
    case SD_RERANK_NONE:
    case SD_N_RERANK_KINDS:
    default:
      return _("None");
    }
}

const char *
sd_rerank_kind_get_description (SdRerankKind kind)
{
  switch (kind)
    {
    case SD_RERANK_MMR:
      return _("Each next product is chosen for its score and for being unlike the ones above it");
    case SD_RERANK_CALIBRATE:
      return _("Each customer’s list follows the categories of what they have bought");
    case SD_RERANK_EXPOSURE:
      return _("Up to five of the first ten places go to long-tail and new products");
    case SD_RERANK_NONE:
    case SD_N_RERANK_KINDS:
    default:
      return _("The model’s own order");
    }
}

gboolean
sd_rerank_spec_parse (const char    *text,
                      SdRerankSpec  *spec,
                      GError       **error)
{
  g_auto(GStrv) parts = NULL;
  double strength;
  char *end = NULL;

  g_return_val_if_fail (spec != NULL, FALSE);

  spec->kind = SD_RERANK_NONE;
  spec->strength = 0.0;
  if (text == NULL || g_ascii_strcasecmp (text, "none") == 0)
    return TRUE;
  parts = g_strsplit (text, "=", 2);
  for (guint k = 1; k < SD_N_RERANK_KINDS; k++)
    if (g_ascii_strcasecmp (g_strstrip (parts[0]), kind_names[k]) == 0)
      spec->kind = k;
  if (spec->kind == SD_RERANK_NONE)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Unknown re-ranking “%s”; the kinds are mmr, calibrate and exposure (KIND=STRENGTH, strength 0 to 1)"),
                   parts[0]);
      return FALSE;
    }
  if (parts[1] == NULL)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The re-ranking “%s” needs a strength from 0 to 1, as in %s=0.5"), text, kind_names[spec->kind]);
      return FALSE;
    }
  strength = g_ascii_strtod (g_strstrip (parts[1]), &end);
  if (end == parts[1] || *end != '\0' || !(strength >= 0.0 && strength <= 1.0))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The strength of re-ranking “%s” must be a number from 0 to 1, not “%s”"),
                   kind_names[spec->kind], parts[1]);
      spec->kind = SD_RERANK_NONE;
      return FALSE;
    }
  spec->strength = strength;
  return TRUE;
}

char *
sd_rerank_spec_to_string (const SdRerankSpec *spec)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!sd_rerank_spec_is_active (spec))
    return g_strdup ("none");
  /* Two decimals are all a slider gives, and "0.6" reads better than 0.59999999999999998. */
  return g_strdup_printf ("%s=%s", kind_names[spec->kind], g_ascii_formatd (buf, sizeof buf, "%.3g", spec->strength));
}

gboolean
sd_rerank_spec_is_active (const SdRerankSpec *spec)
{
  return spec && spec->kind > SD_RERANK_NONE && spec->kind < SD_N_RERANK_KINDS && spec->strength > 0.0;
}

/* ---- item features ------------------------------------------------------------------------ */

static int
compare_quarks (gconstpointer a,
                gconstpointer b)
{
  GQuark x = *(const GQuark *) a, y = *(const GQuark *) b;
  return (x > y) - (x < y);
}

GQuark **
sd_item_features_new (SdCatalog *catalog,
                      guint      n_items)
{
  GQuark **features;
  gboolean any = FALSE;

  if (!catalog || catalog->n_items != n_items)
    return NULL;
  features = g_new0 (GQuark *, MAX (n_items, 1));
  for (guint i = 0; i < n_items; i++)
    {
      GArray *q = g_array_new (TRUE, TRUE, sizeof (GQuark));
      g_auto(GStrv) tags = g_strsplit (catalog->items[i].tags ? catalog->items[i].tags : "", ",", -1);

      if (catalog->items[i].category && *catalog->items[i].category)
        {
          g_autofree char *key = g_strconcat ("category:", catalog->items[i].category, NULL);
          GQuark cat = g_quark_from_string (key);
          g_array_append_val (q, cat);
        }
      for (guint t = 0; tags[t]; t++)
        {
          g_autofree char *tag = g_utf8_strdown (g_strstrip (tags[t]), -1);
          g_autofree char *key = g_strconcat ("tag:", tag, NULL);
          GQuark quark;
          gboolean dup = FALSE;
          if (!*tag)
            continue;
          quark = g_quark_from_string (key);
          for (guint j = 0; j < q->len; j++)
            dup |= g_array_index (q, GQuark, j) == quark;
          if (!dup)
            g_array_append_val (q, quark);
        }
      any |= q->len > 0;
      /* Sorted by value so the Jaccard walk can merge. */
      g_array_sort (q, compare_quarks);
      features[i] = (GQuark *) g_array_free (q, FALSE);
    }
  if (!any)
    {
      sd_item_features_free (features, n_items);
      return NULL;
    }
  return features;
}

void
sd_item_features_free (GQuark **features,
                       guint    n_items)
{
  if (!features)
    return;
  for (guint i = 0; i < n_items; i++)
    g_free (features[i]);
  g_free (features);
}

double
sd_item_features_jaccard (const GQuark *a,
                          const GQuark *b)
{
  guint inter = 0, uni = 0;

  while (*a || *b)
    {
      if (*a && *b && *a == *b)
        {
          inter++;
          a++;
          b++;
        }
      else if (*b == 0 || (*a && *a < *b))
        a++;
      else
        b++;
      uni++;
    }
  return uni ? (double) inter / uni : 0.0;
}

/* ---- item facts --------------------------------------------------------------------------- */

static int
compare_by_popularity (const void *a,
                       const void *b,
                       void       *data)
{
  const guint *pop = data;
  guint x = *(const guint *) a, y = *(const guint *) b;

  if (pop[x] != pop[y])
    return pop[x] > pop[y] ? -1 : 1;
  return (x > y) - (x < y);
}

SdRerankItems *
sd_rerank_items_new (SdInteractions *train,
                     SdCatalog      *catalog,
                     const gint64   *created_at)
{
  SdRerankItems *items = g_new0 (SdRerankItems, 1);
  g_autoptr(GHashTable) cats = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree guint *order = NULL;
  guint64 total = 0, running = 0;
  gint64 newest = 0, oldest = G_MAXINT64;
  guint n = train->n_items;

  items->ref_count = 1;
  items->n_items = n;
  items->category = g_new (int, MAX (n, 1));
  items->popularity = sd_interactions_item_counts (train);
  items->tail = g_new0 (gboolean, MAX (n, 1));
  items->is_new = g_new0 (gboolean, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const char *cat = catalog && catalog->n_items == n ? catalog->items[i].category : NULL;
      gpointer index;

      items->category[i] = -1;
      if (!cat || !*cat)
        continue;
      if (!g_hash_table_lookup_extended (cats, cat, NULL, &index))
        {
          index = GUINT_TO_POINTER (names->len);
          g_ptr_array_add (names, g_strdup (cat));
          g_hash_table_insert (cats, g_ptr_array_index (names, names->len - 1), index);
        }
      items->category[i] = (int) GPOINTER_TO_UINT (index);
    }
  items->n_categories = names->len;
  g_ptr_array_add (names, NULL);
  items->categories = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);

  /* The head: the most popular items that together hold HEAD_SHARE of the interactions. */
  order = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      order[i] = i;
      total += items->popularity[i];
    }
  g_qsort_with_data (order, n, sizeof (guint), compare_by_popularity, items->popularity);
  for (guint r = 0; r < n; r++)
    {
      guint i = order[r];
      items->tail[i] = running >= HEAD_SHARE * total || items->popularity[i] == 0;
      running += items->popularity[i];
    }

  if (created_at)
    for (guint i = 0; i < n; i++)
      if (created_at[i] > 0)
        {
          newest = MAX (newest, created_at[i]);
          oldest = MIN (oldest, created_at[i]);
        }
  /* Dates that do not span the window say nothing about which products are new. */
  items->has_new = newest > 0 && newest - oldest > (gint64) SD_RERANK_NEW_DAYS * 86400;
  if (items->has_new)
    for (guint i = 0; i < n; i++)
      items->is_new[i] = created_at[i] > 0 && created_at[i] >= newest - (gint64) SD_RERANK_NEW_DAYS * 86400;

  items->features = sd_item_features_new (catalog, n);
  return items;
}

SdRerankItems *
sd_rerank_items_from_store (SdStore        *store,
                            SdInteractions *train,
                            SdCatalog      *catalog,
                            GError        **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT id, created_at FROM products", error);
  g_autofree gint64 *created = NULL;
  int rc;

  if (!stmt)
    return NULL;
  created = g_new0 (gint64, MAX (train->n_items, 1));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int i = sd_interactions_item_index (train, sqlite3_column_int64 (stmt, 0));
      if (i >= 0)
        created[i] = sqlite3_column_int64 (stmt, 1);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read when the products were added"), error);
      return NULL;
    }
  return sd_rerank_items_new (train, catalog, created);
}

SdRerankItems *
sd_rerank_items_ref (SdRerankItems *items)
{
  g_atomic_int_inc (&items->ref_count);
  return items;
}

void
sd_rerank_items_unref (SdRerankItems *items)
{
  if (!items || !g_atomic_int_dec_and_test (&items->ref_count))
    return;
  g_strfreev (items->categories);
  g_free (items->category);
  g_free (items->popularity);
  g_free (items->tail);
  g_free (items->is_new);
  sd_item_features_free (items->features, items->n_items);
  g_free (items);
}

/* ---- the re-ranking ---------------------------------------------------------------------- */

typedef struct {
  guint  item;
  double rel;       /* the model's score scaled to 0..1 over the pool */
  gboolean used;
} Candidate;

static gboolean
is_floor_item (const SdRerankItems *items,
               guint                item)
{
  return items->tail[item] || items->is_new[item];
}

static guint
make_pool (const SdRerankItems *items,
           const SdRerankSpec  *spec,
           const float         *scores,
           Candidate          **out)
{
  g_autoptr(GArray) top = sd_top_n (scores, items->n_items, RERANK_POOL);
  g_autoptr(GArray) extra = NULL;
  Candidate *pool;
  guint n = 0;
  double lo = INFINITY, hi = -INFINITY;

  if (spec->kind == SD_RERANK_EXPOSURE)
    {
      /* The floor needs long-tail and new products even when none reach the pool. */
      g_autofree float *masked = g_new (float, MAX (items->n_items, 1));
      for (guint i = 0; i < items->n_items; i++)
        masked[i] = is_floor_item (items, i) ? scores[i] : -INFINITY;
      extra = sd_top_n (masked, items->n_items, FLOOR_WINDOW);
    }
  pool = g_new0 (Candidate, top->len + (extra ? extra->len : 0) + 1);
  for (guint pass = 0; pass < 2; pass++)
    {
      GArray *list = pass == 0 ? top : extra;
      for (guint r = 0; list && r < list->len; r++)
        {
          const SdScoredItem *s = &g_array_index (list, SdScoredItem, r);
          gboolean dup = FALSE;
          for (guint c = 0; pass == 1 && c < top->len && !dup; c++)
            dup = pool[c].item == s->item;
          if (dup)
            continue;
          pool[n].item = s->item;
          pool[n].rel = s->score;
          lo = MIN (lo, s->score);
          hi = MAX (hi, s->score);
          n++;
        }
    }
  for (guint c = 0; c < n; c++)
    pool[c].rel = hi > lo ? (pool[c].rel - lo) / (hi - lo) : 1.0;
  *out = pool;
  return n;
}

static guint
best_unused (const Candidate *pool,
             guint            n,
             const double    *value,
             const SdRerankItems *items,
             gboolean         floor_only)
{
  guint best = G_MAXUINT;

  for (guint c = 0; c < n; c++)
    if (!pool[c].used && (!floor_only || is_floor_item (items, pool[c].item)) &&
        (best == G_MAXUINT || value[c] > value[best]))
      best = c;
  return best;
}

static double
calibration_kl (const double *p,
                const guint  *counts,
                guint         n_listed,
                guint         n_categories)
{
  /* q̃ = (1 − α) q + α p keeps the divergence finite where the list lacks a category. */
  const double alpha = 0.01;
  double kl = 0.0;

  for (guint k = 0; k < n_categories; k++)
    if (p[k] > 0.0)
      {
        double q = n_listed ? (double) counts[k] / n_listed : 0.0;
        kl += p[k] * log (p[k] / ((1.0 - alpha) * q + alpha * p[k]));
      }
  return kl;
}

guint
sd_rerank_list (const SdRerankItems *items,
                SdInteractions      *train,
                guint                user,
                const SdRerankSpec  *spec,
                const float         *scores,
                guint               *out,
                guint                n_out)
{
  g_autofree Candidate *pool = NULL;
  g_autofree double *value = NULL;
  g_autofree double *max_sim = NULL;
  g_autofree double *p = NULL;
  g_autofree guint *counts = NULL;
  double s = CLAMP (spec ? spec->strength : 0.0, 0.0, 1.0);
  gboolean calibrate = FALSE, mmr = FALSE;
  guint n_pool, n_floor = 0, placed_floor = 0, n = 0;

  n_pool = make_pool (items, spec, scores, &pool);
  value = g_new0 (double, MAX (n_pool, 1));
  for (guint c = 0; c < n_pool; c++)
    value[c] = pool[c].rel;

  if (sd_rerank_spec_is_active (spec))
    switch (spec->kind)
      {
      case SD_RERANK_MMR:
        mmr = items->features != NULL;
        max_sim = g_new0 (double, MAX (n_pool, 1));
        break;
      case SD_RERANK_CALIBRATE:
        if (items->n_categories && user < train->n_users)
          {
            double sum = 0.0;
            p = g_new0 (double, items->n_categories);
            counts = g_new0 (guint, items->n_categories);
            for (gsize k = train->indptr[user]; k < train->indptr[user + 1]; k++)
              {
                int cat = items->category[train->indices[k]];
                if (cat >= 0)
                  {
                    p[cat] += train->values[k];
                    sum += train->values[k];
                  }
              }
            calibrate = sum > 0.0;
            for (guint k = 0; calibrate && k < items->n_categories; k++)
              p[k] /= sum;
          }
        break;
      case SD_RERANK_EXPOSURE:
        n_floor = MIN ((guint) round (s * FLOOR_MAX), MIN (n_out, FLOOR_WINDOW));
        break;
      case SD_RERANK_NONE:
      case SD_N_RERANK_KINDS:
      default:
        break;
      }

  while (n < n_out)
    {
      guint pick;

      if (mmr)
        for (guint c = 0; c < n_pool; c++)
          value[c] = (1.0 - s) * pool[c].rel - s * max_sim[c];
      else if (calibrate)
        for (guint c = 0; c < n_pool; c++)
          {
            int cat = items->category[pool[c].item];
            double kl;
            if (pool[c].used)
              continue;
            if (cat >= 0)
              counts[cat]++;
            kl = calibration_kl (p, counts, n + (cat >= 0), items->n_categories);
            if (cat >= 0)
              counts[cat]--;
            value[c] = (1.0 - s) * pool[c].rel - s * kl;
          }

      pick = G_MAXUINT;
      if (n_floor > placed_floor && n < FLOOR_WINDOW && n_floor - placed_floor >= MIN (n_out, FLOOR_WINDOW) - n)
        pick = best_unused (pool, n_pool, value, items, TRUE);
      if (pick == G_MAXUINT)
        pick = best_unused (pool, n_pool, value, items, FALSE);
      if (pick == G_MAXUINT)
        break;

      pool[pick].used = TRUE;
      out[n++] = pool[pick].item;
      if (n <= FLOOR_WINDOW && is_floor_item (items, pool[pick].item))
        placed_floor++;
      if (mmr)
        for (guint c = 0; c < n_pool; c++)
          if (!pool[c].used)
            max_sim[c] = MAX (max_sim[c], sd_item_features_jaccard (items->features[pool[c].item],
                                                                    items->features[pool[pick].item]));
      if (calibrate && items->category[pool[pick].item] >= 0)
        counts[items->category[pool[pick].item]]++;
    }
  return n;
}

/* ---- the re-ranked model ------------------------------------------------------------------ */

struct _SdReranked
{
  SdRecommender  parent_instance;

  SdRecommender *inner;
  SdRerankItems *items;
  SdRerankSpec   spec;
};

G_DEFINE_FINAL_TYPE (SdReranked, sd_reranked, SD_TYPE_RECOMMENDER)

static gboolean
sd_reranked_fit (SdRecommender      *model,
                 SdInteractions     *train,
                 const SdFitContext *context,
                 GError            **error)
{
  SdReranked *self = SD_RERANKED (model);

  /* Wrapping a fitted model fits nothing; fitting anew fits the model underneath. */
  if (sd_recommender_is_fitted (self->inner) && sd_recommender_get_train (self->inner) == train)
    return TRUE;
  return sd_recommender_fit (self->inner, train, context, error);
}

static void
sd_reranked_score (SdRecommender *model,
                   guint          user,
                   float         *scores)
{
  SdReranked *self = SD_RERANKED (model);
  SdInteractions *train = sd_recommender_get_train (model);
  g_autofree float *filtered = NULL;
  guint list[RERANK_DEPTH];
  guint n_list;
  float lo = INFINITY, hi = -INFINITY, step;

  sd_recommender_score (self->inner, user, scores);
  if (!sd_rerank_spec_is_active (&self->spec) || self->items->n_items != train->n_items)
    return;
  filtered = g_memdup2 (scores, sizeof (float) * train->n_items);
  sd_recommender_apply_filter (model, user, NULL, filtered);
  n_list = sd_rerank_list (self->items, train, user, &self->spec, filtered, list, RERANK_DEPTH);
  for (guint i = 0; i < train->n_items; i++)
    if (isfinite (scores[i]))
      {
        lo = MIN (lo, scores[i]);
        hi = MAX (hi, scores[i]);
      }
  if (!isfinite (hi))
    return;
  /* Above every other item and in the re-ranked order, whatever the model's scale. */
  step = MAX (hi - lo, MAX (fabsf (hi), 1.0f)) / RERANK_DEPTH;
  for (guint r = 0; r < n_list; r++)
    scores[list[r]] = hi + step * (float) (n_list - r);
}

static GPtrArray *
sd_reranked_explain (SdRecommender *model,
                     guint          user,
                     guint          item,
                     guint          max)
{
  return sd_recommender_explain (SD_RERANKED (model)->inner, user, item, max);
}

static GBytes *
sd_reranked_save (SdRecommender *model)
{
  /* What is stored is the model underneath; the re-ranking is a setting of the live
   * model (sd_model_registry_set_rerank). */
  return SD_RECOMMENDER_GET_CLASS (SD_RERANKED (model)->inner)->save (SD_RERANKED (model)->inner);
}

static void
sd_reranked_finalize (GObject *object)
{
  SdReranked *self = SD_RERANKED (object);

  g_clear_object (&self->inner);
  g_clear_pointer (&self->items, sd_rerank_items_unref);
  G_OBJECT_CLASS (sd_reranked_parent_class)->finalize (object);
}

static void
sd_reranked_class_init (SdRerankedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *rec_class = SD_RECOMMENDER_CLASS (klass);

  object_class->finalize = sd_reranked_finalize;
  rec_class->name = "reranked";
  rec_class->label = N_("Re-ranked");
  /* TRANSLATORS: what the model does, for a shop manager choosing one */
  rec_class->summary = N_("A model’s list put in a new order on the Fairness page");
  rec_class->fit = sd_reranked_fit;
  rec_class->score = sd_reranked_score;
  rec_class->explain = sd_reranked_explain;
  rec_class->save = sd_reranked_save;
}

static void
sd_reranked_init (SdReranked *self)
{
}

SdRecommender *
sd_reranked_new (SdRecommender      *inner,
                 SdRerankItems      *items,
                 const SdRerankSpec *spec)
{
  SdReranked *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SD_IS_RECOMMENDER (inner) && sd_recommender_is_fitted (inner), NULL);
  g_return_val_if_fail (items != NULL && spec != NULL, NULL);

  self = g_object_new (SD_TYPE_RERANKED, NULL);
  self->inner = g_object_ref (inner);
  self->items = sd_rerank_items_ref (items);
  self->spec = *spec;
  sd_recommender_set_catalog (SD_RECOMMENDER (self), sd_recommender_get_catalog (inner));
  if (!sd_recommender_fit (SD_RECOMMENDER (self), sd_recommender_get_train (inner), NULL, &error))
    g_critical ("A fitted model could not be wrapped: %s", error->message);
  return SD_RECOMMENDER (self);
}

SdRecommender *
sd_reranked_get_inner (SdReranked *self)
{
  g_return_val_if_fail (SD_IS_RERANKED (self), NULL);
  return self->inner;
}

const SdRerankSpec *
sd_reranked_get_spec (SdReranked *self)
{
  g_return_val_if_fail (SD_IS_RERANKED (self), NULL);
  return &self->spec;
}

const char *
sd_recommender_get_base_name (SdRecommender *model)
{
  if (SD_IS_RERANKED (model))
    return sd_recommender_get_name (SD_RERANKED (model)->inner);
  return sd_recommender_get_name (model);
}
