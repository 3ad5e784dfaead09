/* sd-text-features.c — words, CJK n-grams and negation scope, hashed */
#include "config.h"

#include <string.h>

#include "sd-chat-concepts.h"
#include "sd-text-features.h"
#include "sd-tokenizer.h"

static gboolean
is_en_negator (const char *w)
{
  static const char *const words[] = {
    "not", "no", "never", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "wasnt",
    "arent", "wont", "nothing", "without", "hardly", "neither", "nor", "nobody", NULL
  };
  gsize len = strlen (w);
  if (len > 3 && (g_str_has_suffix (w, "n't") || g_str_has_suffix (w, "n’t")))
    return TRUE;
  for (guint i = 0; words[i]; i++)
    if (strcmp (w, words[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_zh_negator (gunichar c)
{
  return c == 0x4E0D /* 不 */ || c == 0x6CA1 /* 没 */ || c == 0x522B /* 别 */ ||
         c == 0x65E0 /* 无 */ || c == 0x672A /* 未 */ || c == 0x83AB /* 莫 */;
}

typedef struct {
  GArray    *hashes;   /* nullable */
  GPtrArray *names;    /* nullable */
  gboolean   subwords;
  gboolean   concepts;
} Sink;

static guint32
hash_feature (const char *prefix, const char *a, const char *b)
{
  guint32 h = 2166136261u;
  for (const char *p = prefix; *p; p++)
    h = (h ^ (guchar) *p) * 16777619u;
  h = (h ^ 0xFF) * 16777619u;
  for (const char *p = a; *p; p++)
    h = (h ^ (guchar) *p) * 16777619u;
  if (b)
    {
      h = (h ^ '|') * 16777619u;
      for (const char *p = b; *p; p++)
        h = (h ^ (guchar) *p) * 16777619u;
    }
  /* A final mix so the low bits (the ones a model keeps) depend on every byte. */
  h ^= h >> 16;
  h *= 0x7feb352d;
  h ^= h >> 15;
  return h;
}

static void
emit (Sink *sink, const char *prefix, const char *a, const char *b)
{
  if (sink->hashes)
    {
      guint32 h = hash_feature (prefix, a, b);
      g_array_append_val (sink->hashes, h);
    }
  if (sink->names)
    g_ptr_array_add (sink->names, b ? g_strdup_printf ("%s:%s|%s", prefix, a, b)
                                    : g_strdup_printf ("%s:%s", prefix, a));
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019;
}

static void
emit_word (Sink        *sink,
           const char  *word,
           char       **prev_word,
           gboolean    *en_negated)
{
  /* "don't" is stored as "don't" but also recognised as "dont" */
  g_autofree char *bare = g_strdup (word);
  char *q = bare;
  gboolean negator;

  for (char *r = bare; *r; r++)
    if (*r != '\'')
      *q++ = *r;
  *q = '\0';
  negator = is_en_negator (word) || is_en_negator (bare);

  emit (sink, *en_negated && !negator ? "NOT_w" : "w", bare, NULL);
  if (sink->subwords && g_utf8_strlen (bare, -1) >= 3)
    {
      g_autofree char *marked = g_strconcat ("<", bare, ">", NULL);
      for (const char *a = marked; *a; a = g_utf8_next_char (a))
        {
          const char *b = g_utf8_next_char (a);
          if (!*b || !*g_utf8_next_char (b))
            break;
          const char *c = g_utf8_next_char (g_utf8_next_char (b));
          g_autofree char *gram = g_strndup (a, c - a);
          emit (sink, "g", gram, NULL);
        }
    }
  if (*prev_word)
    emit (sink, "b", *prev_word, bare);
  g_free (*prev_word);
  *prev_word = g_steal_pointer (&bare);
  if (negator)
    *en_negated = TRUE;
}

/* Tokens from sd_tokenize(): words (hyphens and apostrophes inside them kept), CJK
 * characters, punctuation and emoji. Punctuation, symbols, emoji and line breaks end a
 * negation scope and the chain of word bigrams. Spaces, punctuation and emoji end the
 * chain of character bigrams, but a word written into Chinese text does not: 订单SD-1的
 * gives 单|的, as if the order number (the slot) were not there. */
static void
extract (const char *text, gsize max_bytes, Sink *sink)
{
  if (text == NULL)
    return;

  g_autofree char *norm = sd_tokenizer_normalize (text, strnlen (text, max_bytes), SD_TOKENIZE_DEFAULT);
  g_autoptr(GArray) tokens = sd_tokenize_normalized (norm, SD_TOKENIZE_KEEP_PUNCT | SD_TOKENIZE_JOIN_HYPHENS);
  g_autofree char *prev_word = NULL;
  gboolean en_negated = FALSE;
  gboolean zh_negated = FALSE;
  const char *prev_cjk = NULL;
  guint prev_end = 0;

  if (sink->concepts)
    {
      g_autoptr(GPtrArray) found = g_ptr_array_new ();
      sd_chat_concepts_find (sd_chat_concepts_builtin (), tokens, found);
      for (guint c = 0; c < found->len; c++)
        {
          emit (sink, "k", found->pdata[c], NULL);
          for (guint d = 0; d < c; d++)
            emit (sink, "kk", found->pdata[d], found->pdata[c]);
        }
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      const SdToken *t = &g_array_index (tokens, SdToken, i);
      gunichar c = g_utf8_get_char (t->text);
      gboolean ends_scope = memchr (norm + prev_end, '\n', t->start - prev_end) != NULL;

      if (t->start > prev_end)
        prev_cjk = NULL;
      prev_end = t->end;

      if (t->kind == SD_TOKEN_PUNCT && is_apostrophe (c))
        continue;   /* a quote mark, or the end of "customers'": neither ends a clause */

      if (t->kind == SD_TOKEN_PUNCT || t->kind == SD_TOKEN_EMOJI)
        ends_scope = TRUE;
      if (ends_scope)
        {
          en_negated = zh_negated = FALSE;
          g_clear_pointer (&prev_word, g_free);
        }

      switch (t->kind)
        {
        case SD_TOKEN_WORD:
        case SD_TOKEN_NUMBER:
          emit_word (sink, t->text, &prev_word, &en_negated);
          break;

        case SD_TOKEN_CJK:
          emit (sink, zh_negated && !is_zh_negator (c) ? "NOT_c" : "c", t->text, NULL);
          if (prev_cjk)
            emit (sink, "cc", prev_cjk, t->text);
          prev_cjk = t->text;
          if (is_zh_negator (c))
            zh_negated = TRUE;
          break;

        case SD_TOKEN_PUNCT:
        case SD_TOKEN_EMOJI:
          prev_cjk = NULL;
          /* Emoji and ! ? carry sentiment: one feature per pictograph (skin tones,
           * joiners and variation selectors add nothing). */
          for (const char *p = t->text; *p; p = g_utf8_next_char (p))
            {
              gunichar d = g_utf8_get_char (p);
              if (g_unichar_type (d) == G_UNICODE_OTHER_SYMBOL || d == '!' || d == '?')
                {
                  char sym[8] = "";
                  sym[g_unichar_to_utf8 (d, sym)] = '\0';
                  emit (sink, "s", sym, NULL);
                }
            }
          break;

        case SD_TOKEN_CJK_BIGRAM:
        default:
          break;
        }
    }
}

guint32
sd_text_feature_hash (const char *prefix,
                      const char *name)
{
  return hash_feature (prefix, name, NULL);
}

void
sd_text_features (const char *text,
                  gsize       max_bytes,
                  GArray     *out)
{
  Sink sink = { out, NULL, FALSE, FALSE };
  extract (text, max_bytes, &sink);
}

void
sd_text_features_full (const char         *text,
                       gsize               max_bytes,
                       SdTextFeatureFlags  flags,
                       GArray             *out)
{
  Sink sink = { out, NULL, (flags & SD_TEXT_FEATURES_SUBWORDS) != 0,
                (flags & SD_TEXT_FEATURES_CONCEPTS) != 0 };
  extract (text, max_bytes, &sink);
}

GPtrArray *
sd_text_feature_names (const char *text,
                       gsize       max_bytes)
{
  Sink sink = { NULL, g_ptr_array_new_with_free_func (g_free), FALSE, FALSE };
  extract (text, max_bytes, &sink);
  return sink.names;
}
