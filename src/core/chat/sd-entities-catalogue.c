/* sd-entities-catalogue.c — the shop's products and categories named in a message: whole
 * titles, the words that pick one out, typing slips, Chinese names as substrings */
#include "config.h"

#include "sd-chat-concepts.h"
#include "sd-entities-private.h"
#include "sd-tokenizer.h"

/* Optimal string alignment distance ≤ 1 between two UTF-8 words (by bytes: the fuzzy
 * vocabulary is Latin). */
static gboolean
within_one_edit (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  if (la > lb + 1 || lb > la + 1)
    return FALSE;
  gsize i = 0;
  while (i < la && i < lb && a[i] == b[i])
    i++;
  if (i == la && i == lb)
    return TRUE;
  if (la == lb)
    {
      if (strcmp (a + i + 1, b + i + 1) == 0)
        return TRUE;    /* substitution */
      return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
             strcmp (a + i + 2, b + i + 2) == 0;   /* transposition */
    }
  return la > lb ? strcmp (a + i + 1, b + i) == 0 : strcmp (a + i, b + i + 1) == 0;
}

/* The concepts of the shop's own lexicon @word names, or NULL for none. */
static GPtrArray *
word_concepts (const char *word)
{
  const SdChatConcepts *concepts = sd_chat_concepts_builtin ();
  GPtrArray *found = g_ptr_array_new ();

  if (concepts)
    sd_chat_concepts_find_in_text (concepts, word, found);
  if (found->len == 0)
    g_clear_pointer (&found, g_ptr_array_unref);
  return found;
}

/* A word of the shop's own lexicon ("stock", "order", "refund") is meant as written, not a
 * typo of a catalogue word one letter away ("stick", "border"). */
static gboolean
names_concept (const char *word)
{
  g_autoptr(GPtrArray) found = word_concepts (word);

  return found != NULL;
}

/* "thanks", "yes", "hello" alone are said to the bot, not of a product, even where a title
 * ends with them ("WOOD STAMP SET THANK YOU"). */
gboolean
sd_entities_names_social_concept (const char *word)
{
  static const char *const social[] = { "thanks", "yes", "no", "greeting", "goodbye", NULL };
  g_autoptr(GPtrArray) found = word_concepts (word);

  for (guint i = 0; found && i < found->len; i++)
    if (g_strv_contains (social, found->pdata[i]))
      return TRUE;
  return FALSE;
}

const char *
sd_entity_extractor_vocab_word (SdEntityExtractor *self, const char *canon)
{
  gpointer key;
  if (g_hash_table_lookup_extended (self->postings, canon, &key, NULL))
    return key;
  if (g_utf8_strlen (canon, -1) < 5 || names_concept (canon))
    return NULL;
  for (guint i = 0; i < self->fuzzy->len; i++)
    if (within_one_edit (canon, self->fuzzy->pdata[i]))
      return self->fuzzy->pdata[i];
  return NULL;
}

/* Terms that contain every vocabulary word of @vocab[from..to] (a bridged word, NULL, is
 * none). */
static GArray *
intersect (SdEntityExtractor *self, const char **vocab, guint from, guint to)
{
  GArray *first = g_hash_table_lookup (self->postings, vocab[from]);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint a = 0; a < first->len; a++)
    {
      guint t = g_array_index (first, guint, a);
      gboolean all = TRUE;
      for (guint w = from + 1; w <= to && all; w++)
        {
          GArray *post = vocab[w] ? g_hash_table_lookup (self->postings, vocab[w]) : NULL;
          gboolean found = post == NULL;
          for (guint b = 0; post && b < post->len && !found; b++)
            found = g_array_index (post, guint, b) == t;
          all = found;
        }
      if (all)
        g_array_append_val (out, t);
    }
  return out;
}

/* Whether the vocabulary word at @k is one of those at @from up to it. */
static gboolean
said_before (const char **vocab, guint from, guint k)
{
  for (guint w = from; w < k; w++)
    if (vocab[w] && strcmp (vocab[w], vocab[k]) == 0)
      return TRUE;
  return FALSE;
}

/* The vocabulary words of @vocab[from..to]. */
static guint
n_vocab (const char **vocab, guint from, guint to)
{
  guint n = 0;
  for (guint w = from; w <= to; w++)
    n += vocab[w] != NULL;
  return n;
}

void
sd_entity_extractor_scan_catalogue_latin (SdEntityExtractor *self, SdScan *s)
{
  if (self->terms->len == 0)
    return;
  g_autoptr(GArray) words = sd_entities_split_words (s->text);
  guint n = words->len;
  g_autofree const char **vocab = g_new0 (const char *, n + 1);
  /* a number or a little word of titles inside a name ("paper chain kit 50's christmas",
   * "jam making set with jars"), which no term is found by, but which does not end the name
   * either; not the words of a sentence ("is the mug in the box?" names a mug and a box) */
  static const char *const title_words[] = { "set", "of", "with", "and", NULL };
  g_autofree gboolean *bridge = g_new0 (gboolean, n + 1);
  for (guint i = 0; i < n; i++)
    {
      Word *w = &g_array_index (words, Word, i);
      gboolean number = g_ascii_isdigit (w->canon[0]);
      if (!sd_scan_span_free (s, w->start, w->end))
        continue;
      if (!number && !sd_entities_is_stopword (w->canon))
        vocab[i] = sd_entity_extractor_vocab_word (self, w->canon);
      bridge[i] = number || g_strv_contains (title_words, w->canon);
    }

  for (guint i = 0; i < n;)
    {
      if (vocab[i] == NULL)
        {
          i++;
          continue;
        }
      /* no longer than a term, nor a word twice: "hello hello hello …" is not one
       * product that has "hello" in its title; two little words may stand between two */
      guint run_end = i;
      for (;;)
        {
          guint next = run_end + 1;
          while (next < n && !vocab[next] && bridge[next] && next - run_end <= 2)
            next++;
          if (next >= n || !vocab[next] || n_vocab (vocab, i, run_end) >= self->max_words ||
              said_before (vocab, i, next))
            break;
          run_end = next;
        }
      /* the longest span from i that some term contains and that is nameable */
      gboolean matched = FALSE;
      for (guint j = run_end + 1; j-- > i && !matched;)
        {
          if (vocab[j] == NULL)
            continue;
          if (j == i && (!g_hash_table_contains (self->heads, vocab[i]) || sd_entities_names_social_concept (vocab[i])))
            break;
          g_autoptr(GArray) hits = intersect (self, vocab, i, j);
          if (hits->len == 0)
            continue;
          guint named = n_vocab (vocab, i, j);
          const SdCatalogTerm *best = NULL;
          for (guint h = 0; h < hits->len; h++)
            {
              const SdCatalogTerm *t = self->terms->pdata[g_array_index (hits, guint, h)];
              /* a category named in full beats products; then the shortest title */
              gboolean full_cat = t->kind == SD_ENTITY_CATEGORY && t->n_words == named;
              gboolean best_full = best && best->kind == SD_ENTITY_CATEGORY && best->n_words == named;
              if (best == NULL || (full_cat && !best_full) ||
                  (full_cat == best_full && t->kind == best->kind && t->n_words < best->n_words) ||
                  (!best_full && !full_cat && t->kind == SD_ENTITY_PRODUCT && best->kind != SD_ENTITY_PRODUCT))
                best = t;
            }
          gsize start = g_array_index (words, Word, i).start;
          gsize end = g_array_index (words, Word, j).end;
          GString *value = g_string_new (NULL);
          for (guint w = i; w <= j; w++)
            if (vocab[w])
              g_string_append_printf (value, "%s%s", value->len ? " " : "", vocab[w]);
          if (best->kind == SD_ENTITY_CATEGORY)
            sd_scan_add (s, SD_ENTITY_CATEGORY, start, end, g_strdup (best->value), 0);
          else
            sd_scan_add (s, SD_ENTITY_PRODUCT, start, end, g_strdup (value->str), best->ref_id);
          g_string_free (value, TRUE);
          matched = TRUE;
          i = j + 1;
        }
      if (!matched)
        i++;
    }
}

void
sd_entity_extractor_scan_catalogue_cjk (SdEntityExtractor *self, SdScan *s)
{
  if (g_hash_table_size (self->cjk) == 0)
    return;
  for (const char *p = s->text; *p;)
    {
      if (!sd_unichar_is_cjk (g_utf8_get_char (p)) || s->taken[p - s->text])
        {
          p = g_utf8_next_char (p);
          continue;
        }
      /* the run's character offsets, then the longest dictionary match from here */
      const char *ends[MAX_CJK_TERM_CHARS + 1];
      guint n = 0;
      const char *q = p;
      while (*q && n < MAX_CJK_TERM_CHARS && sd_unichar_is_cjk (g_utf8_get_char (q)))
        ends[n++] = q = g_utf8_next_char (q);
      gboolean matched = FALSE;
      for (guint k = n; k >= 2 && !matched; k--)
        {
          g_autofree char *cand = g_strndup (p, ends[k - 1] - p);
          guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->cjk, cand));
          gsize start = p - s->text, end = ends[k - 1] - s->text;
          if (index == 0 || !sd_scan_span_free (s, start, end))
            continue;
          const SdCatalogTerm *t = self->terms->pdata[index - 1];
          sd_scan_add (s, t->kind, start, end,
                       g_strdup (t->kind == SD_ENTITY_CATEGORY ? t->value : cand), t->ref_id);
          p = ends[k - 1];
          matched = TRUE;
        }
      if (!matched)
        p = g_utf8_next_char (p);
    }
}
