/* sd-entities-products.c — which products a name fits, a list narrowed by more words, and names
 * like an unknown one */
#include "config.h"

#include "sd-entities-private.h"
#include "sd-tokenizer.h"

static gboolean
starts_cjk (const char *text)
{
  return text && *text && sd_unichar_is_cjk (g_utf8_get_char (text));
}

static void
add_product_once (GArray     *ids,
                  GHashTable *seen,
                  gint64      id)
{
  if (id <= 0 || g_hash_table_contains (seen, &id))
    return;
  g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
  g_array_append_val (ids, id);
}

/* Whether the term at @index is posted under @word. */
static gboolean
posted_under (SdEntityExtractor *self,
              const char        *word,
              guint              index)
{
  GArray *post = g_hash_table_lookup (self->postings, word);

  for (guint i = 0; post && i < post->len; i++)
    if (g_array_index (post, guint, i) == index)
      return TRUE;
  return FALSE;
}

GArray *
sd_entity_extractor_products_named (SdEntityExtractor *self,
                                    const SdEntity    *e,
                                    gboolean          *in_full)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gboolean full = FALSE;

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), ids);
  if (e == NULL || e->kind != SD_ENTITY_PRODUCT || e->value == NULL || *e->value == '\0')
    goto out;
  if (starts_cjk (e->value))
    {
      /* the name is a piece of a Chinese title: each title that has it */
      for (guint i = 0; i < self->terms->len; i++)
        {
          const SdCatalogTerm *t = self->terms->pdata[i];
          if (t->kind != SD_ENTITY_PRODUCT || !starts_cjk (t->value) || strstr (t->value, e->value) == NULL)
            continue;
          add_product_once (ids, seen, t->ref_id);
          full |= strcmp (t->value, e->value) == 0;
        }
      goto out;
    }

  {
    /* the dictionary's words the name was found by: each title posted under all of them */
    g_auto(GStrv) words = g_strsplit (e->value, " ", -1);
    guint n_words = g_strv_length (words);
    GArray *first = n_words ? g_hash_table_lookup (self->postings, words[0]) : NULL;
    guint distinct = 0;

    for (guint w = 0; w < n_words; w++)
      {
        gboolean again = FALSE;
        for (guint v = 0; v < w; v++)
          again |= strcmp (words[v], words[w]) == 0;
        distinct += !again;
      }
    for (guint i = 0; first && i < first->len; i++)
      {
        guint index = g_array_index (first, guint, i);
        const SdCatalogTerm *t = self->terms->pdata[index];
        gboolean all = t->kind == SD_ENTITY_PRODUCT;

        for (guint w = 1; w < n_words && all; w++)
          all = posted_under (self, words[w], index);
        if (!all)
          continue;
        add_product_once (ids, seen, t->ref_id);
        /* a title with no word but those named: the customer gave it whole */
        full |= t->n_posted <= distinct;
      }
  }

out:
  if (in_full)
    *in_full = full;
  return ids;
}

/* The products (ids, into @out) whose names are posted under @word. */
static void
products_under (SdEntityExtractor *self,
                const char        *word,
                GHashTable        *out)
{
  GArray *post = g_hash_table_lookup (self->postings, word);

  for (guint i = 0; post && i < post->len; i++)
    {
      const SdCatalogTerm *t = self->terms->pdata[g_array_index (post, guint, i)];
      if (t->kind == SD_ENTITY_PRODUCT && t->ref_id > 0)
        g_hash_table_add (out, g_memdup2 (&t->ref_id, sizeof t->ref_id));
    }
}

/* Whether a product of @having is one of @wanted. */
static gboolean
any_of (GHashTable *having,
        GHashTable *wanted)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, having);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_contains (wanted, key))
      return TRUE;
  return FALSE;
}

/* Whether @part is one of the parts of the hyphened word @word. */
static gboolean
hyphen_part (const char *word,
             const char *part)
{
  gsize n = strlen (part);

  if (strchr (word, '-') == NULL)
    return FALSE;
  for (const char *p = strstr (word, part); p; p = strstr (p + 1, part))
    if ((p == word || p[-1] == '-') && (p[n] == '\0' || p[n] == '-'))
      return TRUE;
  return FALSE;
}

GArray *
sd_entity_extractor_narrow (SdEntityExtractor *self,
                            GArray            *ids,
                            const char        *text)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree guint *score = NULL;
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) counted = g_hash_table_new (g_str_hash, g_str_equal);
  guint best = 0;

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), out);
  if (ids == NULL || ids->len == 0 || text == NULL || !g_utf8_validate (text, -1, NULL) ||
      strlen (text) > MAX_TEXT_BYTES)
    return out;
  score = g_new0 (guint, ids->len);
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_insert (wanted, g_memdup2 (&g_array_index (ids, gint64, i), sizeof (gint64)),
                         GUINT_TO_POINTER (i + 1));

  /* Latin: each dictionary word of the reply (a typo mended) that a title has, once; a
   * word none of them has is about something else ("how much is the gift wrap?" is no
   * answer about mugs, though one is a MUG W GIFT BOX) */
  {
    g_autoptr(GArray) words = sd_entities_split_words (text);
    for (guint w = 0; w < words->len; w++)
      {
        const char *canon = g_array_index (words, Word, w).canon;
        gboolean little = sd_entities_is_stopword (canon) || g_ascii_isdigit (canon[0]);
        const char *vocab = little ? NULL : sd_entity_extractor_vocab_word (self, canon);
        g_autoptr(GHashTable) having = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
        GHashTableIter iter;
        gpointer key;
        gboolean any = FALSE;

        if (vocab)
          products_under (self, vocab, having);
        if (!little && g_utf8_strlen (canon, -1) >= 3 && !any_of (having, wanted))
          {
            /* a part of a hyphened word of the names ("hearts": Heart-Print) */
            g_hash_table_iter_init (&iter, self->postings);
            while (g_hash_table_iter_next (&iter, &key, NULL))
              if (hyphen_part (key, canon))
                products_under (self, key, having);
            if (vocab == NULL && g_hash_table_size (having))
              vocab = canon;   /* lives as long as @words */
          }
        if (vocab == NULL || g_hash_table_contains (counted, vocab) || sd_entities_names_social_concept (vocab))
          continue;
        g_hash_table_add (counted, (gpointer) vocab);
        g_hash_table_iter_init (&iter, having);
        while (g_hash_table_iter_next (&iter, &key, NULL))
          {
            guint at = GPOINTER_TO_UINT (g_hash_table_lookup (wanted, key));
            if (at)
              score[at - 1]++;
            any |= at != 0;
          }
        if (!any)
          return out;
      }
  }

  /* Chinese: the pairs of characters of the reply a title has ("玻璃的" → 玻璃) */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      const char *q = g_utf8_next_char (p);
      if (*q && sd_unichar_is_cjk (g_utf8_get_char (p)) && sd_unichar_is_cjk (g_utf8_get_char (q)))
        g_ptr_array_add (pairs, g_strndup (p, g_utf8_next_char (q) - p));
    }
  if (pairs->len)
    {
      g_autofree guint *cjk = g_new0 (guint, ids->len);
      for (guint i = 0; i < self->terms->len; i++)
        {
          const SdCatalogTerm *t = self->terms->pdata[i];
          guint at = t->kind == SD_ENTITY_PRODUCT && starts_cjk (t->value)
                     ? GPOINTER_TO_UINT (g_hash_table_lookup (wanted, &t->ref_id)) : 0;
          guint n = 0;
          if (at == 0)
            continue;
          for (guint k = 0; k < pairs->len; k++)
            n += strstr (t->value, pairs->pdata[k]) != NULL;
          cjk[at - 1] = MAX (cjk[at - 1], n);
        }
      for (guint i = 0; i < ids->len; i++)
        score[i] += cjk[i];
    }

  for (guint i = 0; i < ids->len; i++)
    best = MAX (best, score[i]);
  for (guint i = 0; best > 0 && i < ids->len; i++)
    if (score[i] == best)
      g_array_append_val (out, g_array_index (ids, gint64, i));
  return out;
}

/* Levenshtein distance between two short Latin words (by bytes), G_MAXUINT past 63. */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint prev[64], cur[64];

  if (la > 63 || lb > 63)
    return G_MAXUINT;
  for (gsize j = 0; j <= lb; j++)
    prev[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      cur[0] = i;
      for (gsize j = 1; j <= lb; j++)
        cur[j] = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] != b[j - 1]));
      memcpy (prev, cur, (lb + 1) * sizeof (guint));
    }
  return prev[lb];
}

/* Whether the dictionary word @known looks like @word: one begins the other (four letters
 * or more: "lampshade", "lamp"), or a letter differs (two in words of eight letters or
 * more: two in "jumper" would make it a hamper, a number or summer). */
static gboolean
looks_like (const char *known,
            const char *word)
{
  gsize lk = strlen (known), lw = strlen (word);

  if (lk >= 4 && lw >= 4 && (g_str_has_prefix (word, known) || g_str_has_prefix (known, word)))
    return TRUE;
  return lk >= 4 && lw >= 4 && edit_distance (known, word) <= (lk >= 8 && lw >= 8 ? 2u : 1u);
}

GArray *
sd_entity_extractor_products_like (SdEntityExtractor *self,
                                   const char        *word)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), ids);
  if (word == NULL || *word == '\0' || !g_utf8_validate (word, -1, NULL) || strlen (word) > 120)
    return ids;
  if (starts_cjk (word))
    {
      /* the head noun comes last in Chinese: the longest tail of @word some title has,
       * without the noun suffixes a title seldom writes (杯子 → 杯: 马克杯) */
      g_autofree char *stem = g_strdup (word);
      for (gboolean cut = TRUE; cut;)
        {
          gsize n = strlen (stem);
          cut = FALSE;
          static const char *const suffixes[] = { "子", "儿", "们" };
          for (guint k = 0; k < G_N_ELEMENTS (suffixes); k++)
            if (n > strlen (suffixes[k]) && g_str_has_suffix (stem, suffixes[k]))
              {
                stem[n - strlen (suffixes[k])] = '\0';
                cut = TRUE;
                break;
              }
        }
      for (const char *tail = stem; *tail && ids->len == 0; tail = g_utf8_next_char (tail))
        for (guint i = 0; i < self->terms->len; i++)
          {
            const SdCatalogTerm *t = self->terms->pdata[i];
            if (t->kind == SD_ENTITY_PRODUCT && starts_cjk (t->value) && strstr (t->value, tail))
              add_product_once (ids, seen, t->ref_id);
          }
      return ids;
    }

  g_autofree char *canon = sd_entities_canonical_word (word, -1);
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, self->postings);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (looks_like (key, canon))
      {
        GArray *post = g_hash_table_lookup (self->postings, key);
        for (guint i = 0; i < post->len; i++)
          {
            const SdCatalogTerm *t = self->terms->pdata[g_array_index (post, guint, i)];
            if (t->kind == SD_ENTITY_PRODUCT)
              add_product_once (ids, seen, t->ref_id);
          }
      }
  return ids;
}

SdNameWord
sd_entity_extractor_word_kind (SdEntityExtractor *self,
                               const char        *word)
{
  g_autofree char *canon = NULL;

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), SD_NAME_WORD_LITTLE);
  if (word == NULL || !g_utf8_validate (word, -1, NULL) || strlen (word) > 120)
    return SD_NAME_WORD_LITTLE;
  canon = sd_entities_canonical_word (word, -1);
  if (*canon == '\0' || g_ascii_isdigit (canon[0]) || sd_entities_is_stopword (canon))
    return SD_NAME_WORD_LITTLE;
  if (sd_entity_extractor_vocab_word (self, canon))
    return SD_NAME_WORD_KNOWN;
  /* "tv", "xl": too short to tell a name from an abbreviation */
  return g_utf8_strlen (canon, -1) >= 3 ? SD_NAME_WORD_UNKNOWN : SD_NAME_WORD_LITTLE;
}

GArray *
sd_entity_extractor_products_with_words (SdEntityExtractor *self,
                                         const char        *words)
{
  SdEntity named = { SD_ENTITY_PRODUCT, 0, 0, NULL, NULL, 0 };
  g_autoptr(GString) value = g_string_new (NULL);

  g_return_val_if_fail (SD_IS_ENTITY_EXTRACTOR (self), g_array_new (FALSE, FALSE, sizeof (gint64)));
  if (words == NULL || !g_utf8_validate (words, -1, NULL) || strlen (words) > MAX_TEXT_BYTES)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  if (starts_cjk (words))
    g_string_append (value, words);
  else
    {
      g_autoptr(GArray) split = sd_entities_split_words (words);
      for (guint i = 0; i < split->len; i++)
        {
          const char *canon = g_array_index (split, Word, i).canon;
          const char *vocab;
          if (g_ascii_isdigit (canon[0]) || sd_entities_is_stopword (canon))
            continue;
          if (!(vocab = sd_entity_extractor_vocab_word (self, canon)))
            return g_array_new (FALSE, FALSE, sizeof (gint64));   /* a word no name has */
          g_string_append_printf (value, "%s%s", value->len ? " " : "", vocab);
        }
    }
  named.value = value->str;
  return sd_entity_extractor_products_named (self, &named, NULL);
}
