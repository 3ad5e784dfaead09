/* sd-chat-spelling.c — one-edit spelling correction against the training vocabulary */
#include "config.h"

#include <string.h>

#include "sd-chat-concepts.h"
#include "sd-chat-corpus.h"
#include "sd-chat-spelling.h"

/* Shorter words have too many neighbours one edit away ("shop" → "ship", "stop") */
#define MIN_LETTERS 4
#define MAX_LETTERS 24

struct _SdChatSpelling
{
  GHashTable *counts;   /* lower-case word → count */
};

static gboolean
is_letter (char c)
{
  return g_ascii_isalpha (c);
}

/* Calls @func on each maximal run of ASCII letters and apostrophes of @text that is not
 * part of a longer run of letters and digits (an order number "SD12345" is no word). */
typedef void (*WordFunc) (const char *start, gsize len, gpointer data);

static void
for_each_word (const char *text, WordFunc func, gpointer data)
{
  const char *p = text;
  while (*p)
    {
      if (!g_ascii_isalnum (*p))
        {
          p++;
          continue;
        }
      const char *start = p;
      gboolean letters_only = TRUE;
      for (; *p && (g_ascii_isalnum (*p) || (*p == '\'' && is_letter (p[1]))); p++)
        if (g_ascii_isdigit (*p))
          letters_only = FALSE;
      if (letters_only)
        func (start, p - start, data);
    }
}

static void
count_word (const char *start, gsize len, gpointer data)
{
  GHashTable *counts = data;
  char *word = g_ascii_strdown (start, len);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, word));
  g_hash_table_replace (counts, word, GUINT_TO_POINTER (n + 1));
}

SdChatSpelling *
sd_chat_spelling_new (GPtrArray *examples)
{
  SdChatSpelling *self = g_new0 (SdChatSpelling, 1);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; examples && i < examples->len; i++)
    {
      SdChatExample *e = examples->pdata[i];
      for_each_word (e->text, count_word, self->counts);
    }
  return self;
}

void
sd_chat_spelling_free (SdChatSpelling *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->counts);
  g_free (self);
}

guint
sd_chat_spelling_count (SdChatSpelling *self,
                        const char     *word)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, word));
}

typedef struct {
  SdChatSpelling *self;
  char           *best;
  guint           best_count;
} Search;

static void
consider (Search *s, const char *candidate)
{
  guint n = sd_chat_spelling_count (s->self, candidate);
  /* the most frequent; among equals the first in byte order, so the result never
   * depends on the order candidates are tried in */
  if (n > s->best_count || (n > 0 && n == s->best_count && strcmp (candidate, s->best) < 0))
    {
      g_free (s->best);
      s->best = g_strdup (candidate);
      s->best_count = n;
    }
}

/* The most frequent known word one edit from @word (lower case), or NULL. */
static char *
nearest (SdChatSpelling *self, const char *word)
{
  Search s = { self, NULL, 0 };
  gsize n = strlen (word);
  char buf[MAX_LETTERS + 2];

  for (gsize i = 0; i < n; i++)
    {
      /* dropped letter */
      memcpy (buf, word, i);
      memcpy (buf + i, word + i + 1, n - i);
      consider (&s, buf);
      /* two swapped */
      if (i + 1 < n)
        {
          memcpy (buf, word, n + 1);
          buf[i] = word[i + 1];
          buf[i + 1] = word[i];
          consider (&s, buf);
        }
      /* one changed */
      memcpy (buf, word, n + 1);
      for (char c = 'a'; c <= 'z'; c++)
        if (c != word[i])
          {
            buf[i] = c;
            consider (&s, buf);
          }
    }
  /* one added */
  for (gsize i = 0; i <= n; i++)
    {
      memcpy (buf, word, i);
      memcpy (buf + i + 1, word + i, n - i + 1);
      for (char c = 'a'; c <= 'z'; c++)
        {
          buf[i] = c;
          consider (&s, buf);
        }
    }
  return s.best;
}

typedef struct {
  SdChatSpelling *self;
  const char     *text;
  GString        *out;
  const char     *copied;   /* how far @text has been copied to @out */
  gboolean        changed;
} Correct;

/* The shop concepts @word names (concepts.tsv), joined: a word that names one is no slip
 * unless its neighbour names the same ("cancell" → "cancel"; "bill" never → "bull"). */
static char *
concepts_of (const char *word)
{
  const SdChatConcepts *concepts = sd_chat_concepts_builtin ();
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  if (concepts)
    sd_chat_concepts_find_in_text (concepts, word, found);
  g_ptr_array_add (found, NULL);
  return g_strjoinv (" ", (char **) found->pdata);
}

static void
correct_word (const char *start, gsize len, gpointer data)
{
  Correct *c = data;
  if (len < MIN_LETTERS || len > MAX_LETTERS || memchr (start, '\'', len))
    return;
  g_autofree char *word = g_ascii_strdown (start, len);
  if (sd_chat_spelling_count (c->self, word) > 0)
    return;
  g_autofree char *best = nearest (c->self, word);
  if (best == NULL)
    return;
  g_autofree char *named = concepts_of (word);
  if (*named != '\0')
    {
      g_autofree char *best_named = concepts_of (best);
      if (strcmp (named, best_named) != 0)
        return;
    }
  g_string_append_len (c->out, c->copied, start - c->copied);
  g_string_append (c->out, best);
  c->copied = start + len;
  c->changed = TRUE;
}

char *
sd_chat_spelling_correct (SdChatSpelling *self,
                          const char     *text)
{
  if (text == NULL)
    return NULL;
  Correct c = { self, text, g_string_new (NULL), text, FALSE };
  for_each_word (text, correct_word, &c);
  if (!c.changed)
    {
      g_string_free (c.out, TRUE);
      return g_strdup (text);
    }
  g_string_append (c.out, c.copied);
  return g_string_free (c.out, FALSE);
}
