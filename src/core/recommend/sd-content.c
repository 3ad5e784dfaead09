/* sd-content.c — TF-IDF and tag-Jaccard content model
 *
 * Item vectors are kept as a sparse item × term matrix (CSR) and its transpose, so
 * "items similar to X" only touches the items that share a term with X. A customer's
 * profile is built densely over the vocabulary per call, which keeps score() free of
 * shared scratch space and therefore thread-safe.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sd-content.h"
#include "sd-error.h"
#include "sd-tokenizer.h"

GType
sd_content_similarity_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SD_CONTENT_COSINE, "SD_CONTENT_COSINE", "cosine" },
        { SD_CONTENT_JACCARD, "SD_CONTENT_JACCARD", "jaccard" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("SdContentSimilarity", values));
    }
  return type;
}

struct _SdContent
{
  SdRecommender parent_instance;

  SdContentSimilarity similarity;
  double      title_weight;
  double      tag_weight;
  double      popularity_prior;

  /* learned state */
  guint       n_items;
  GPtrArray  *vocabulary;   /* term id → term */
  gsize      *item_ptr;     /* n_items + 1 */
  guint      *item_terms;   /* ascending within an item */
  float      *item_weights;
  gsize      *term_ptr;     /* transpose: n_terms + 1 */
  guint      *term_items;
  float      *term_weights;
  gsize      *tag_ptr;      /* n_items + 1: sorted tag ids (ids into vocabulary) */
  guint      *tags;
  float      *prior;        /* n_items: (1 + customers who touched it)^popularity_prior */
};

G_DEFINE_FINAL_TYPE (SdContent, sd_content, SD_TYPE_RECOMMENDER)

enum {
  PROP_0,
  PROP_SIMILARITY,
  PROP_TITLE_WEIGHT,
  PROP_TAG_WEIGHT,
  PROP_POPULARITY_PRIOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Words too common in shop texts to tell products apart. */
static const char * const stop_words[] = {
  "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in",
  "is", "it", "its", "of", "on", "or", "our", "set", "that", "the", "this", "to", "was",
  "with", "you", "your", "all", "can", "not", "but", "will", "these", "those",
  NULL
};

static gboolean
is_stop_word (const char *word)
{
  for (guint i = 0; stop_words[i]; i++)
    if (strcmp (word, stop_words[i]) == 0)
      return TRUE;
  return FALSE;
}

typedef void (*TermFunc) (const char *term, gpointer user_data);

/* Terms of a text, by the shared tokeniser (NFKC, case folding, words, numbers, CJK
 * characters): stop words and one-letter words are dropped, and adjacent CJK characters
 * also give their bigram, since Chinese product names are not separated by spaces. */
static void
tokenize (const char *text,
          TermFunc    func,
          gpointer    user_data)
{
  g_autoptr(GArray) tokens = NULL;

  if (text == NULL || *text == '\0')
    return;
  tokens = sd_tokenize (text, -1, SD_TOKENIZE_CJK_BIGRAMS);
  for (guint i = 0; i < tokens->len; i++)
    {
      const SdToken *token = &g_array_index (tokens, SdToken, i);

      switch (token->kind)
        {
        case SD_TOKEN_WORD:
        case SD_TOKEN_NUMBER:
          if (g_utf8_strlen (token->text, -1) > 1 && !is_stop_word (token->text))
            func (token->text, user_data);
          break;
        case SD_TOKEN_CJK:
        case SD_TOKEN_CJK_BIGRAM:
          func (token->text, user_data);
          break;
        default:
          break;
        }
    }
}

typedef struct {
  GHashTable *term_ids;     /* term → id + 1 */
  GPtrArray  *vocabulary;
  GHashTable *counts;       /* id + 1 → weighted count (double *) for the current item */
  double      weight;
} Collect;

static guint
term_id (Collect    *c,
         const char *term)
{
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (c->term_ids, term));

  if (id == 0)
    {
      char *copy = g_strdup (term);

      g_ptr_array_add (c->vocabulary, copy);
      id = c->vocabulary->len;
      g_hash_table_insert (c->term_ids, copy, GUINT_TO_POINTER (id));
    }
  return id - 1;
}

static void
count_term (const char *term,
            gpointer    user_data)
{
  Collect *c = user_data;
  guint id = term_id (c, term);
  double *count = g_hash_table_lookup (c->counts, GUINT_TO_POINTER (id + 1));

  if (count == NULL)
    {
      count = g_new0 (double, 1);
      g_hash_table_insert (c->counts, GUINT_TO_POINTER (id + 1), count);
    }
  *count += c->weight;
}

typedef struct {
  guint  term;
  double weight;
} TermWeight;

static int
compare_term_ids (gconstpointer a,
                  gconstpointer b)
{
  const TermWeight *ta = a, *tb = b;

  return (ta->term > tb->term) - (ta->term < tb->term);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint ua = *(const guint *) a, ub = *(const guint *) b;

  return (ua > ub) - (ua < ub);
}

static void
clear_state (SdContent *self)
{
  g_clear_pointer (&self->vocabulary, g_ptr_array_unref);
  g_clear_pointer (&self->item_ptr, g_free);
  g_clear_pointer (&self->item_terms, g_free);
  g_clear_pointer (&self->item_weights, g_free);
  g_clear_pointer (&self->term_ptr, g_free);
  g_clear_pointer (&self->term_items, g_free);
  g_clear_pointer (&self->term_weights, g_free);
  g_clear_pointer (&self->tag_ptr, g_free);
  g_clear_pointer (&self->tags, g_free);
  g_clear_pointer (&self->prior, g_free);
  self->n_items = 0;
}

/* The item × term matrix's transpose, for walking from a term to its items. */
static void
build_transpose (SdContent *self)
{
  guint n_terms = self->vocabulary->len;
  gsize nnz = self->item_ptr[self->n_items];
  g_autofree gsize *fill = g_new0 (gsize, n_terms + 1);

  g_free (self->term_ptr);
  g_free (self->term_items);
  g_free (self->term_weights);
  self->term_ptr = g_new0 (gsize, n_terms + 1);
  self->term_items = g_new (guint, MAX (nnz, 1));
  self->term_weights = g_new (float, MAX (nnz, 1));

  for (gsize p = 0; p < nnz; p++)
    self->term_ptr[self->item_terms[p] + 1]++;
  for (guint t = 0; t < n_terms; t++)
    self->term_ptr[t + 1] += self->term_ptr[t];
  memcpy (fill, self->term_ptr, (n_terms + 1) * sizeof (gsize));
  for (guint i = 0; i < self->n_items; i++)
    for (gsize p = self->item_ptr[i]; p < self->item_ptr[i + 1]; p++)
      {
        gsize q = fill[self->item_terms[p]]++;

        self->term_items[q] = i;
        self->term_weights[q] = self->item_weights[p];
      }
}

static gboolean
sd_content_fit (SdRecommender      *model,
                SdInteractions     *train,
                const SdFitContext *context,
                GError            **error)
{
  SdContent *self = SD_CONTENT (model);
  SdCatalog *catalog = sd_recommender_get_catalog (model);
  GCancellable *cancellable = context ? context->cancellable : NULL;
  g_autoptr(GHashTable) term_ids = NULL;
  g_autoptr(GPtrArray) vocabulary = NULL;
  g_autoptr(GArray) cells = NULL;       /* TermWeight, all items back to back */
  g_autoptr(GArray) tag_cells = NULL;   /* guint */
  g_autofree gsize *item_ptr = NULL;
  g_autofree gsize *tag_ptr = NULL;
  g_autofree guint *df = NULL;
  g_autofree float *weights = NULL;
  g_autofree guint *terms = NULL;
  Collect collect;
  guint n_items = train->n_items;

  if (catalog == NULL || catalog->n_items != n_items)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The content model needs the product catalogue (titles, descriptions, tags) of the %u items it ranks; %s"),
                   n_items, catalog ? _("the catalogue given has a different number of items") : _("none was given"));
      return FALSE;
    }

  term_ids = g_hash_table_new (g_str_hash, g_str_equal);
  vocabulary = g_ptr_array_new_with_free_func (g_free);
  cells = g_array_new (FALSE, FALSE, sizeof (TermWeight));
  tag_cells = g_array_new (FALSE, FALSE, sizeof (guint));
  item_ptr = g_new0 (gsize, n_items + 1);
  tag_ptr = g_new0 (gsize, n_items + 1);
  collect = (Collect) { .term_ids = term_ids, .vocabulary = vocabulary };

  for (guint i = 0; i < n_items; i++)
    {
      const SdCatalogItem *item = &catalog->items[i];
      g_autoptr(GHashTable) counts = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      GHashTableIter iter;
      gpointer key, value;
      gsize first = cells->len, first_tag = tag_cells->len;

      if ((i & 1023) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      collect.counts = counts;
      collect.weight = self->title_weight;
      tokenize (item->title, count_term, &collect);
      collect.weight = 1.0;
      tokenize (item->description, count_term, &collect);
      collect.weight = self->tag_weight;
      tokenize (item->category, count_term, &collect);

      /* Whole tags (and the category) are also the sets Jaccard compares. */
      if (item->tags)
        {
          g_auto(GStrv) parts = g_strsplit (item->tags, ",", -1);

          for (guint t = 0; parts[t]; t++)
            {
              g_autofree char *folded = NULL;
              g_autofree char *tag = NULL;
              guint id;

              tokenize (parts[t], count_term, &collect);
              folded = g_utf8_casefold (g_strstrip (parts[t]), -1);
              if (*folded == '\0')
                continue;
              tag = g_strconcat ("#", folded, NULL);
              id = term_id (&collect, tag);
              g_array_append_val (tag_cells, id);
            }
        }
      if (item->category && *item->category)
        {
          g_autofree char *folded = g_utf8_casefold (item->category, -1);
          g_autofree char *tag = g_strconcat ("#", g_strstrip (folded), NULL);
          guint id = term_id (&collect, tag);

          g_array_append_val (tag_cells, id);
        }

      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          /* sublinear term frequency: the tenth "heart" says less than the first */
          TermWeight tw = { GPOINTER_TO_UINT (key) - 1, 1.0 + log (*(double *) value) };

          if (*(double *) value < 1.0)
            tw.weight = *(double *) value;
          g_array_append_val (cells, tw);
        }
      qsort (&g_array_index (cells, TermWeight, first), cells->len - first,
             sizeof (TermWeight), compare_term_ids);
      item_ptr[i + 1] = cells->len;

      qsort (&g_array_index (tag_cells, guint, first_tag), tag_cells->len - first_tag,
             sizeof (guint), compare_uint);
      {
        /* duplicates out */
        gsize w = first_tag;

        for (gsize r = first_tag; r < tag_cells->len; r++)
          if (w == first_tag || g_array_index (tag_cells, guint, w - 1) != g_array_index (tag_cells, guint, r))
            g_array_index (tag_cells, guint, w++) = g_array_index (tag_cells, guint, r);
        g_array_set_size (tag_cells, w);
      }
      tag_ptr[i + 1] = tag_cells->len;
    }

  df = g_new0 (guint, MAX (vocabulary->len, 1));
  for (guint p = 0; p < cells->len; p++)
    df[g_array_index (cells, TermWeight, p).term]++;

  terms = g_new (guint, MAX (cells->len, 1));
  weights = g_new (float, MAX (cells->len, 1));
  for (guint i = 0; i < n_items; i++)
    {
      double norm = 0;

      for (gsize p = item_ptr[i]; p < item_ptr[i + 1]; p++)
        {
          TermWeight *tw = &g_array_index (cells, TermWeight, p);

          tw->weight *= log ((1.0 + n_items) / (1.0 + df[tw->term])) + 1.0;
          norm += tw->weight * tw->weight;
        }
      norm = norm > 0 ? 1.0 / sqrt (norm) : 0;
      for (gsize p = item_ptr[i]; p < item_ptr[i + 1]; p++)
        {
          TermWeight *tw = &g_array_index (cells, TermWeight, p);

          terms[p] = tw->term;
          weights[p] = (float) (tw->weight * norm);
        }
    }

  clear_state (self);
  self->n_items = n_items;
  self->vocabulary = g_steal_pointer (&vocabulary);
  self->item_ptr = g_steal_pointer (&item_ptr);
  self->item_terms = g_steal_pointer (&terms);
  self->item_weights = g_steal_pointer (&weights);
  self->tag_ptr = g_steal_pointer (&tag_ptr);
  self->tags = tag_cells->len ? g_memdup2 (tag_cells->data, tag_cells->len * sizeof (guint)) : g_new (guint, 1);
  build_transpose (self);

  {
    g_autofree guint *counts = sd_interactions_item_counts (train);

    self->prior = g_new (float, MAX (n_items, 1));
    for (guint i = 0; i < n_items; i++)
      self->prior[i] = (float) pow (1.0 + counts[i], self->popularity_prior);
  }

  return sd_recommender_report_epoch (model, context, 1, 1, NAN, error);
}

static gboolean
is_jaccard (SdContent *self)
{
  return self->similarity == SD_CONTENT_JACCARD;
}

static double
jaccard (SdContent *self,
         guint      a,
         guint      b)
{
  const guint *ta = self->tags + self->tag_ptr[a], *tb = self->tags + self->tag_ptr[b];
  gsize na = self->tag_ptr[a + 1] - self->tag_ptr[a], nb = self->tag_ptr[b + 1] - self->tag_ptr[b];
  gsize i = 0, j = 0, common = 0;

  if (na == 0 || nb == 0)
    return 0;
  while (i < na && j < nb)
    {
      if (ta[i] < tb[j])
        i++;
      else if (ta[i] > tb[j])
        j++;
      else
        {
          common++;
          i++;
          j++;
        }
    }
  return (double) common / (double) (na + nb - common);
}

static double
cosine (SdContent *self,
        guint      a,
        guint      b)
{
  gsize i = self->item_ptr[a], ie = self->item_ptr[a + 1];
  gsize j = self->item_ptr[b], je = self->item_ptr[b + 1];
  double dot = 0;

  while (i < ie && j < je)
    {
      if (self->item_terms[i] < self->item_terms[j])
        i++;
      else if (self->item_terms[i] > self->item_terms[j])
        j++;
      else
        dot += (double) self->item_weights[i++] * self->item_weights[j++];
    }
  return dot;
}

double
sd_content_similarity (SdContent *self,
                       guint      a,
                       guint      b)
{
  g_return_val_if_fail (SD_IS_CONTENT (self), 0);

  if (self->item_ptr == NULL || a >= self->n_items || b >= self->n_items)
    return 0;
  return is_jaccard (self) ? jaccard (self, a, b) : cosine (self, a, b);
}

/* profile[t] = Σ_j w_uj v_j[t] over the user's history (n_terms entries, caller frees). */
static double *
user_profile (SdContent      *self,
              SdInteractions *train,
              guint           user)
{
  double *profile = g_new0 (double, MAX (self->vocabulary->len, 1));

  for (gsize p = train->indptr[user]; p < train->indptr[user + 1]; p++)
    {
      guint j = train->indices[p];
      double w = train->values[p];

      for (gsize q = self->item_ptr[j]; q < self->item_ptr[j + 1]; q++)
        profile[self->item_terms[q]] += w * self->item_weights[q];
    }
  return profile;
}

static void
sd_content_score (SdRecommender *model,
                  guint          user,
                  float         *scores)
{
  SdContent *self = SD_CONTENT (model);
  SdInteractions *train = sd_recommender_get_train (model);

  for (guint i = 0; i < self->n_items; i++)
    scores[i] = 0;
  if (self->item_ptr == NULL || train == NULL || user >= train->n_users
      || train->indptr[user] == train->indptr[user + 1])
    return;

  if (is_jaccard (self))
    {
      double total = 0;

      for (gsize p = train->indptr[user]; p < train->indptr[user + 1]; p++)
        {
          guint j = train->indices[p];
          double w = train->values[p];

          total += w;
          for (guint i = 0; i < self->n_items; i++)
            scores[i] += (float) (w * jaccard (self, i, j));
        }
      if (total > 0)
        for (guint i = 0; i < self->n_items; i++)
          scores[i] *= self->prior[i] / (float) total;
    }
  else
    {
      g_autofree double *profile = user_profile (self, train, user);
      double norm = 0;

      for (guint t = 0; t < self->vocabulary->len; t++)
        norm += profile[t] * profile[t];
      norm = norm > 0 ? 1.0 / sqrt (norm) : 0;
      for (guint i = 0; i < self->n_items; i++)
        {
          double s = 0;

          for (gsize q = self->item_ptr[i]; q < self->item_ptr[i + 1]; q++)
            s += self->item_weights[q] * profile[self->item_terms[q]];
          scores[i] = (float) (s * norm) * self->prior[i];
        }
    }
}

typedef struct {
  guint  term;
  double weight;
} Contribution;

static int
compare_contributions (gconstpointer a,
                       gconstpointer b)
{
  const Contribution *ca = a, *cb = b;

  return (ca->weight < cb->weight) - (ca->weight > cb->weight);
}

static int
compare_scored (gconstpointer a,
                gconstpointer b)
{
  const SdScoredItem *sa = a, *sb = b;

  if (sa->score != sb->score)
    return (sa->score < sb->score) - (sa->score > sb->score);
  return (sa->item > sb->item) - (sa->item < sb->item);
}

static const char *
display_term (SdContent *self,
              guint      term)
{
  const char *text = g_ptr_array_index (self->vocabulary, term);

  return text[0] == '#' ? text + 1 : text;
}

/* "matches 'vintage', 'heart'" from the terms shared with the profile that add most to
 * the cosine, then the history items closest in content. */
static GPtrArray *
sd_content_explain (SdRecommender *model,
                    guint          user,
                    guint          item,
                    guint          max)
{
  SdContent *self = SD_CONTENT (model);
  SdInteractions *train = sd_recommender_get_train (model);
  GPtrArray *reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  g_autofree double *profile = NULL;
  g_autoptr(GArray) contributions = NULL;
  g_autoptr(GArray) similar = NULL;
  g_autoptr(GString) terms = NULL;
  double total = 0;

  if (self->item_ptr == NULL || train == NULL || user >= train->n_users
      || item >= self->n_items || max == 0)
    return reasons;

  profile = user_profile (self, train, user);
  contributions = g_array_new (FALSE, FALSE, sizeof (Contribution));
  for (gsize q = self->item_ptr[item]; q < self->item_ptr[item + 1]; q++)
    {
      Contribution c = { self->item_terms[q], self->item_weights[q] * profile[self->item_terms[q]] };
      const char *text = g_ptr_array_index (self->vocabulary, c.term);

      /* whole-tag terms duplicate their words; show the words */
      if (c.weight > 0 && text[0] != '#')
        {
          g_array_append_val (contributions, c);
          total += c.weight;
        }
    }
  g_array_sort (contributions, compare_contributions);

  if (contributions->len > 0)
    {
      SdReason *reason = g_new0 (SdReason, 1);

      terms = g_string_new (NULL);
      for (guint i = 0; i < MIN (contributions->len, 3); i++)
        {
          if (i > 0)
            g_string_append_c (terms, ',');
          g_string_append (terms, display_term (self, g_array_index (contributions, Contribution, i).term));
        }
      reason->kind = SD_REASON_CONTENT;
      reason->item = G_MAXUINT;
      reason->weight = total;
      reason->terms = g_strdup (terms->str);
      g_ptr_array_add (reasons, reason);
    }

  similar = g_array_new (FALSE, FALSE, sizeof (SdScoredItem));
  for (gsize p = train->indptr[user]; p < train->indptr[user + 1]; p++)
    {
      SdScoredItem s = { train->indices[p], (float) sd_content_similarity (self, item, train->indices[p]) };

      if (s.item != item && s.score > 0)
        g_array_append_val (similar, s);
    }
  g_array_sort (similar, compare_scored);
  for (guint i = 0; i < similar->len && reasons->len < max; i++)
    {
      SdReason *reason = g_new0 (SdReason, 1);

      reason->kind = SD_REASON_SIMILAR_ITEM;
      reason->item = g_array_index (similar, SdScoredItem, i).item;
      reason->weight = g_array_index (similar, SdScoredItem, i).score;
      g_ptr_array_add (reasons, reason);
    }
  return reasons;
}

GArray *
sd_content_similar_items (SdContent *self,
                          guint      item,
                          guint      n)
{
  GArray *result = g_array_new (FALSE, FALSE, sizeof (SdScoredItem));
  g_autofree float *sims = NULL;

  g_return_val_if_fail (SD_IS_CONTENT (self), result);

  if (self->item_ptr == NULL || item >= self->n_items || n == 0)
    return result;

  sims = g_new0 (float, self->n_items);
  if (is_jaccard (self))
    {
      for (guint i = 0; i < self->n_items; i++)
        sims[i] = (float) jaccard (self, item, i);
    }
  else
    {
      for (gsize q = self->item_ptr[item]; q < self->item_ptr[item + 1]; q++)
        {
          guint t = self->item_terms[q];
          float w = self->item_weights[q];

          for (gsize r = self->term_ptr[t]; r < self->term_ptr[t + 1]; r++)
            sims[self->term_items[r]] += w * self->term_weights[r];
        }
    }

  for (guint i = 0; i < self->n_items; i++)
    if (i != item && sims[i] > 0)
      {
        SdScoredItem s = { i, sims[i] };

        g_array_append_val (result, s);
      }
  g_array_sort (result, compare_scored);
  if (result->len > n)
    g_array_set_size (result, n);
  return result;
}

char **
sd_content_item_terms (SdContent *self,
                       guint      item,
                       guint      max)
{
  g_autoptr(GArray) contributions = g_array_new (FALSE, FALSE, sizeof (Contribution));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SD_IS_CONTENT (self), NULL);

  if (self->item_ptr != NULL && item < self->n_items)
    for (gsize q = self->item_ptr[item]; q < self->item_ptr[item + 1]; q++)
      {
        Contribution c = { self->item_terms[q], self->item_weights[q] };

        if (((const char *) g_ptr_array_index (self->vocabulary, c.term))[0] != '#')
          g_array_append_val (contributions, c);
      }
  g_array_sort (contributions, compare_contributions);
  for (guint i = 0; i < contributions->len && i < max; i++)
    g_strv_builder_add (builder, display_term (self, g_array_index (contributions, Contribution, i).term));
  return g_strv_builder_end (builder);
}

static GBytes *
sd_content_save (SdRecommender *model)
{
  SdContent *self = SD_CONTENT (model);
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GPtrArray) vocab = g_ptr_array_new ();
  gboolean fitted = self->item_ptr != NULL;
  gsize nnz = fitted ? self->item_ptr[self->n_items] : 0;
  gsize n_tags = fitted ? self->tag_ptr[self->n_items] : 0;
  g_autofree guint64 *item_ptr = g_new0 (guint64, self->n_items + 1);
  g_autofree guint64 *tag_ptr = g_new0 (guint64, self->n_items + 1);
  g_autofree double *weights = g_new (double, MAX (nnz, 1));
  g_autofree double *prior = g_new (double, MAX (self->n_items, 1));

  if (fitted)
    {
      for (guint i = 0; i < self->vocabulary->len; i++)
        g_ptr_array_add (vocab, g_ptr_array_index (self->vocabulary, i));
      for (guint i = 0; i <= self->n_items; i++)
        {
          item_ptr[i] = self->item_ptr[i];
          tag_ptr[i] = self->tag_ptr[i];
        }
      for (gsize p = 0; p < nnz; p++)
        weights[p] = self->item_weights[p];
      for (guint i = 0; i < self->n_items; i++)
        prior[i] = self->prior[i];
    }

  g_ptr_array_add (vocab, NULL);
  state = g_variant_ref_sink (
    g_variant_new ("(u^as@at@au@ad@at@au@ad)",
                   self->n_items,
                   (const char * const *) vocab->pdata,
                   g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, item_ptr, fitted ? self->n_items + 1 : 0, sizeof (guint64)),
                   g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, self->item_terms, nnz, sizeof (guint)),
                   g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, weights, nnz, sizeof (double)),
                   g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, tag_ptr, fitted ? self->n_items + 1 : 0, sizeof (guint64)),
                   g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, self->tags, n_tags, sizeof (guint)),
                   g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, prior, fitted ? self->n_items : 0, sizeof (double))));
  return g_variant_get_data_as_bytes (state);
}

static gboolean
sd_content_load (SdRecommender *model,
                 GBytes        *bytes,
                 GError       **error)
{
  SdContent *self = SD_CONTENT (model);
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GVariant) v_item_ptr = NULL, v_terms = NULL, v_weights = NULL, v_tag_ptr = NULL, v_tags = NULL, v_prior = NULL;
  g_autofree const char **vocab = NULL;
  const guint64 *item_ptr, *tag_ptr;
  const guint *terms, *tags;
  const double *weights, *prior;
  gsize n_item_ptr, n_terms, n_weights, n_tag_ptr, n_tags, n_vocab, n_prior;
  guint n_items;

  state = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("(uasatauadatauad)"), bytes, FALSE));
  if (!g_variant_is_normal_form (state))
    goto damaged;
  g_variant_get (state, "(u^a&s@at@au@ad@at@au@ad)", &n_items, &vocab,
                 &v_item_ptr, &v_terms, &v_weights, &v_tag_ptr, &v_tags, &v_prior);
  item_ptr = g_variant_get_fixed_array (v_item_ptr, &n_item_ptr, sizeof (guint64));
  terms = g_variant_get_fixed_array (v_terms, &n_terms, sizeof (guint));
  weights = g_variant_get_fixed_array (v_weights, &n_weights, sizeof (double));
  tag_ptr = g_variant_get_fixed_array (v_tag_ptr, &n_tag_ptr, sizeof (guint64));
  tags = g_variant_get_fixed_array (v_tags, &n_tags, sizeof (guint));
  prior = g_variant_get_fixed_array (v_prior, &n_prior, sizeof (double));
  n_vocab = g_strv_length ((char **) vocab);

  if (n_item_ptr == 0)
    return TRUE;   /* saved before fitting */
  if (n_item_ptr != (gsize) n_items + 1 || n_tag_ptr != n_item_ptr || n_terms != n_weights
      || n_prior != n_items
      || item_ptr[n_items] != n_terms || tag_ptr[n_items] != n_tags)
    goto damaged;
  for (guint i = 0; i < n_items; i++)
    if (item_ptr[i] > item_ptr[i + 1] || tag_ptr[i] > tag_ptr[i + 1])
      goto damaged;
  for (gsize p = 0; p < n_terms; p++)
    if (terms[p] >= n_vocab)
      goto damaged;
  for (gsize p = 0; p < n_tags; p++)
    if (tags[p] >= n_vocab)
      goto damaged;

  clear_state (self);
  self->n_items = n_items;
  self->vocabulary = g_ptr_array_new_with_free_func (g_free);
  for (gsize t = 0; t < n_vocab; t++)
    g_ptr_array_add (self->vocabulary, g_strdup (vocab[t]));
  self->item_ptr = g_new (gsize, n_items + 1);
  self->tag_ptr = g_new (gsize, n_items + 1);
  for (guint i = 0; i <= n_items; i++)
    {
      self->item_ptr[i] = item_ptr[i];
      self->tag_ptr[i] = tag_ptr[i];
    }
  self->item_terms = g_new (guint, MAX (n_terms, 1));
  self->item_weights = g_new (float, MAX (n_terms, 1));
  for (gsize p = 0; p < n_terms; p++)
    {
      self->item_terms[p] = terms[p];
      self->item_weights[p] = (float) weights[p];
    }
  self->tags = g_new (guint, MAX (n_tags, 1));
  if (n_tags)
    memcpy (self->tags, tags, n_tags * sizeof (guint));
  self->prior = g_new (float, MAX (n_items, 1));
  for (guint i = 0; i < n_items; i++)
    self->prior[i] = (float) prior[i];
  build_transpose (self);
  return TRUE;

damaged:
  g_set_error_literal (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("The saved content model is damaged: its data is not in the expected layout"));
  return FALSE;
}

static void
sd_content_finalize (GObject *object)
{
  SdContent *self = SD_CONTENT (object);

  clear_state (self);
  G_OBJECT_CLASS (sd_content_parent_class)->finalize (object);
}

static void
sd_content_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdContent *self = SD_CONTENT (object);

  switch (prop_id)
    {
    case PROP_SIMILARITY: g_value_set_enum (value, self->similarity); break;
    case PROP_TITLE_WEIGHT: g_value_set_double (value, self->title_weight); break;
    case PROP_TAG_WEIGHT: g_value_set_double (value, self->tag_weight); break;
    case PROP_POPULARITY_PRIOR: g_value_set_double (value, self->popularity_prior); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_content_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SdContent *self = SD_CONTENT (object);

  switch (prop_id)
    {
    case PROP_SIMILARITY: self->similarity = g_value_get_enum (value); break;
    case PROP_TITLE_WEIGHT: self->title_weight = g_value_get_double (value); break;
    case PROP_TAG_WEIGHT: self->tag_weight = g_value_get_double (value); break;
    case PROP_POPULARITY_PRIOR: self->popularity_prior = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_content_class_init (SdContentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *model_class = SD_RECOMMENDER_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sd_content_finalize;
  object_class->get_property = sd_content_get_property;
  object_class->set_property = sd_content_set_property;

  model_class->name = "content";
  model_class->label = N_("Content (TF-IDF)");
  /* TRANSLATORS: what the model does, for a shop manager choosing one */
  model_class->summary = N_("Recommends products whose titles, descriptions, categories and tags share rare words with the customer’s products");
  model_class->fit = sd_content_fit;
  model_class->score = sd_content_score;
  model_class->explain = sd_content_explain;
  model_class->save = sd_content_save;
  model_class->load = sd_content_load;

  properties[PROP_SIMILARITY] =
    g_param_spec_enum ("similarity", N_("Similarity"), N_("cosine (TF-IDF of all texts) or jaccard (overlap of tags)"),
                       SD_TYPE_CONTENT_SIMILARITY, SD_CONTENT_COSINE, flags);
  properties[PROP_TITLE_WEIGHT] =
    g_param_spec_double ("title-weight", N_("Title weight"), N_("How much a word of the title counts against one of the description"),
                         0.0, 100.0, 1.0, flags);
  properties[PROP_TAG_WEIGHT] =
    g_param_spec_double ("tag-weight", N_("Tag weight"), N_("How much a category or tag word counts against one of the description"),
                         0.0, 100.0, 4.0, flags);

  /* Matching words alone rank an obscure item as high as a best seller; a prior on how
   * many customers took an item orders the matches. The defaults (prior 0.5, title
   * weight 1, tag weight 4) ranked best on the demo shop's validation split (SD_TUNE=1
   * test-content -p /content/demo-tune: 0.216; prior 1 gave 0.213, pure content 0.17).
   * A prior of 0.5 still lets a brand-new item that matches well through (cosine 0.9
   * beats 0.1 on an item 50 customers took), which is what the content model is for. */
  properties[PROP_POPULARITY_PRIOR] =
    g_param_spec_double ("popularity-prior", N_("Popularity prior"), N_("Scores are multiplied by (1 + customers who took the item) to this power"),
                         0.0, 4.0, 0.5, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_content_init (SdContent *self)
{
}

SdRecommender *
sd_content_new (void)
{
  return g_object_new (SD_TYPE_CONTENT, NULL);
}
