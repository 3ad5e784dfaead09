/* sd-text-features.c — words, CJK n-grams and negation scope, hashed */
#include "config.h"

#include <string.h>

#include "sd-text-features.h"

static gboolean
is_cjk (gunichar c)
{
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x3040 && c <= 0x30FF) ||
         (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x20000 && c <= 0x2A6DF);
}

static gboolean
ends_scope (gunichar c)
{
  /* Full-width CJK punctuation is folded to ASCII by NFKC, except 。、 */
  return c == '.' || c == ',' || c == '!' || c == '?' || c == ';' || c == ':' ||
         c == 0x3002 || c == 0x3001 || c == '\n' || c == '~' || c == 0xFF5E;
}

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

static void
extract (const char *text, gsize max_bytes, Sink *sink)
{
  if (text == NULL)
    return;
  gsize len = strnlen (text, max_bytes);
  g_autofree char *valid = g_utf8_make_valid (text, len);
  g_autofree char *norm = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  if (norm == NULL)
    return;
  g_autofree char *folded = g_utf8_casefold (norm, -1);

  GString *word = g_string_new (NULL);
  g_autofree char *prev_word = NULL;
  gboolean en_negated = FALSE;
  gboolean zh_negated = FALSE;
  char prev_cjk[8] = "";

  for (const char *p = folded;; p = g_utf8_next_char (p))
    {
      gunichar c = *p ? g_utf8_get_char (p) : 0;
      gboolean wordish = c != 0 && !is_cjk (c) &&
                         (g_unichar_isalnum (c) || c == '\'' || c == 0x2019 ||
                          ((c == '-' || c == '_') && word->len > 0));

      if (wordish)
        {
          if (c != '\'' && c != 0x2019)
            g_string_append_unichar (word, c);
          else
            g_string_append_c (word, '\'');
          continue;
        }

      if (word->len > 0)
        {
          /* "don't" is stored as "don't" but also recognised as "dont" */
          g_autofree char *bare = g_strdup (word->str);
          char *q = bare;
          for (char *r = bare; *r; r++)
            if (*r != '\'')
              *q++ = *r;
          *q = '\0';
          gboolean negator = is_en_negator (word->str) || is_en_negator (bare);

          emit (sink, en_negated && !negator ? "NOT_w" : "w", bare, NULL);
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
          if (prev_word)
            emit (sink, "b", prev_word, bare);
          g_free (prev_word);
          prev_word = g_steal_pointer (&bare);
          if (negator)
            en_negated = TRUE;
          g_string_truncate (word, 0);
        }

      if (c == 0)
        break;

      if (is_cjk (c))
        {
          char cur[8] = "";
          cur[g_unichar_to_utf8 (c, cur)] = '\0';
          emit (sink, zh_negated && !is_zh_negator (c) ? "NOT_c" : "c", cur, NULL);
          if (prev_cjk[0])
            emit (sink, "cc", prev_cjk, cur);
          memcpy (prev_cjk, cur, sizeof cur);
          if (is_zh_negator (c))
            zh_negated = TRUE;
          continue;
        }

      prev_cjk[0] = '\0';
      if (ends_scope (c) || g_unichar_ispunct (c))
        {
          en_negated = zh_negated = FALSE;
          g_clear_pointer (&prev_word, g_free);
        }
      if (!g_unichar_isspace (c) && !g_unichar_iscntrl (c) && !g_unichar_isalnum (c) &&
          (g_unichar_type (c) == G_UNICODE_OTHER_SYMBOL || c == '!' || c == '?'))
        {
          /* emoji and ! ? carry sentiment */
          char sym[8] = "";
          sym[g_unichar_to_utf8 (c, sym)] = '\0';
          emit (sink, "s", sym, NULL);
        }
    }
  g_string_free (word, TRUE);
}

void
sd_text_features (const char *text,
                  gsize       max_bytes,
                  GArray     *out)
{
  Sink sink = { out, NULL, FALSE };
  extract (text, max_bytes, &sink);
}

void
sd_text_features_full (const char         *text,
                       gsize               max_bytes,
                       SdTextFeatureFlags  flags,
                       GArray             *out)
{
  Sink sink = { out, NULL, (flags & SD_TEXT_FEATURES_SUBWORDS) != 0 };
  extract (text, max_bytes, &sink);
}

GPtrArray *
sd_text_feature_names (const char *text,
                       gsize       max_bytes)
{
  Sink sink = { NULL, g_ptr_array_new_with_free_func (g_free), FALSE };
  extract (text, max_bytes, &sink);
  return sink.names;
}
