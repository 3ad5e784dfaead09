/* sd-chat-concepts.c — the concept lexicon: English phrases by words, Chinese by characters */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-chat-concepts.h"
#include "sd-core-resources.h"
#include "sd-error.h"
#include "sd-tokenizer.h"

#define LEXICON_PATH "/io/github/shopdesk/Shopdesk/core/chat/concepts.tsv"

typedef struct {
  guint    concept;
  guint    n_words;
  char   **words;     /* apostrophes removed */
  guint32  prefix;    /* bit k: words[k] matches any word it begins */
} EnPhrase;

typedef struct {
  guint  concept;
  char  *chars;
} ZhPhrase;

struct _SdChatConcepts {
  GPtrArray  *names;        /* char *, in lexicon order */
  GArray     *en;           /* EnPhrase */
  GArray     *zh;           /* ZhPhrase */
  GHashTable *by_first;     /* first word → GArray of guint (indices into en) */
  GArray     *prefix_first; /* guint: phrases whose first word is a prefix */
  char       *checksum;
};

void
sd_chat_concepts_free (SdChatConcepts *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->en->len; i++)
    g_strfreev (g_array_index (self->en, EnPhrase, i).words);
  for (guint i = 0; i < self->zh->len; i++)
    g_free (g_array_index (self->zh, ZhPhrase, i).chars);
  g_array_unref (self->en);
  g_array_unref (self->zh);
  g_ptr_array_unref (self->names);
  g_hash_table_unref (self->by_first);
  g_array_unref (self->prefix_first);
  g_free (self->checksum);
  g_free (self);
}

static char *
without_apostrophes (const char *word)
{
  GString *s = g_string_new (NULL);
  for (const char *p = word; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c != '\'' && c != 0x2019)
        g_string_append_unichar (s, c);
    }
  return g_string_free (s, FALSE);
}

static gboolean
add_phrase (SdChatConcepts *self,
            guint           concept,
            const char     *phrase,
            GError        **error)
{
  g_autoptr(GArray) tokens = sd_tokenize (phrase, -1, SD_TOKENIZE_KEEP_PUNCT);
  g_autoptr(GString) chars = g_string_new (NULL);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  guint32 prefix = 0;

  for (guint i = 0; i < tokens->len; i++)
    {
      const SdToken *t = &g_array_index (tokens, SdToken, i);
      if (t->kind == SD_TOKEN_CJK)
        g_string_append (chars, t->text);
      else if (t->kind == SD_TOKEN_PUNCT && strcmp (t->text, "*") == 0 && words->len > 0)
        prefix |= 1u << (words->len - 1);
      else if (t->kind != SD_TOKEN_PUNCT || strcmp (t->text, "'") != 0)
        g_ptr_array_add (words, without_apostrophes (t->text));
    }
  if (chars->len > 0 && words->len > 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("“%s” mixes Chinese characters and other words"), phrase);
      return FALSE;
    }
  if (words->len > 32)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("“%s” is longer than 32 words"), phrase);
      return FALSE;
    }
  if (chars->len > 0)
    {
      ZhPhrase z = { concept, g_string_free (g_steal_pointer (&chars), FALSE) };
      g_array_append_val (self->zh, z);
      return TRUE;
    }
  if (words->len == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("an empty phrase"));
      return FALSE;
    }

  guint index = self->en->len;
  EnPhrase e = { concept, words->len, NULL, prefix };
  g_ptr_array_add (words, NULL);
  e.words = (char **) g_ptr_array_free (g_steal_pointer (&words), FALSE);
  g_array_append_val (self->en, e);
  if (prefix & 1)
    g_array_append_val (self->prefix_first, index);
  else
    {
      GArray *list = g_hash_table_lookup (self->by_first, e.words[0]);
      if (list == NULL)
        {
          list = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (self->by_first, g_strdup (e.words[0]), list);
        }
      g_array_append_val (list, index);
    }
  return TRUE;
}

SdChatConcepts *
sd_chat_concepts_parse (const char  *contents,
                        gsize        length,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(SdChatConcepts) self = g_new0 (SdChatConcepts, 1);
  g_autoptr(GHashTable) concept_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *copy = g_strndup (contents, length);
  g_auto(GStrv) lines = NULL;

  self->names = g_ptr_array_new_with_free_func (g_free);
  self->en = g_array_new (FALSE, FALSE, sizeof (EnPhrase));
  self->zh = g_array_new (FALSE, FALSE, sizeof (ZhPhrase));
  self->by_first = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  self->prefix_first = g_array_new (FALSE, FALSE, sizeof (guint));
  self->checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);

  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("%s is not UTF-8 text"), name);
      return NULL;
    }
  lines = g_strsplit (copy, "\n", -1);
  for (guint l = 0; lines[l]; l++)
    {
      char *line = g_strstrip (lines[l]);
      if (line[0] == '\0' || line[0] == '#')
        continue;
      g_auto(GStrv) fields = g_strsplit (line, "\t", 2);
      if (g_strv_length (fields) != 2 || g_strstrip (fields[0])[0] == '\0')
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("%s, line %u: expected a concept, a tab and phrases separated by “|”"), name, l + 1);
          return NULL;
        }
      gpointer value;
      guint concept;
      if (g_hash_table_lookup_extended (concept_of, fields[0], NULL, &value))
        concept = GPOINTER_TO_UINT (value);
      else
        {
          concept = self->names->len;
          g_ptr_array_add (self->names, g_strdup (fields[0]));
          g_hash_table_insert (concept_of, self->names->pdata[concept], GUINT_TO_POINTER (concept));
        }
      g_auto(GStrv) phrases = g_strsplit (fields[1], "|", -1);
      for (guint p = 0; phrases[p]; p++)
        {
          g_autoptr(GError) local = NULL;
          if (g_strstrip (phrases[p])[0] == '\0')
            continue;
          if (!add_phrase (self, concept, phrases[p], &local))
            {
              g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("%s, line %u: %s"), name, l + 1,
                           local->message);
              return NULL;
            }
        }
    }
  return g_steal_pointer (&self);
}

const SdChatConcepts *
sd_chat_concepts_builtin (void)
{
  static SdChatConcepts *builtin;

  if (g_once_init_enter (&builtin))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_resource_lookup_data (sd_core_get_resource (), LEXICON_PATH,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      SdChatConcepts *parsed = NULL;
      if (bytes)
        parsed = sd_chat_concepts_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                         "concepts.tsv", &error);
      if (parsed == NULL)
        {
          /* An empty lexicon: the model then works on words and characters alone. */
          g_warning ("The chatbot's concept lexicon: %s", error->message);
          parsed = sd_chat_concepts_parse ("", 0, "concepts.tsv", NULL);
        }
      g_once_init_leave (&builtin, parsed);
    }
  return builtin;
}

guint
sd_chat_concepts_get_n_phrases (const SdChatConcepts *self)
{
  return self->en->len + self->zh->len;
}

const char *
sd_chat_concepts_get_checksum (const SdChatConcepts *self)
{
  return self->checksum;
}

static gboolean
word_matches (const EnPhrase *e,
              guint           k,
              const char     *word)
{
  return (e->prefix & (1u << k)) ? g_str_has_prefix (word, e->words[k]) : strcmp (word, e->words[k]) == 0;
}

static void
match_at (const SdChatConcepts *self,
          guint                 index,
          GPtrArray            *words,
          guint                 at,
          gboolean             *seen)
{
  const EnPhrase *e = &g_array_index (self->en, EnPhrase, index);
  if (seen[e->concept] || at + e->n_words > words->len)
    return;
  for (guint k = 0; k < e->n_words; k++)
    if (!word_matches (e, k, words->pdata[at + k]))
      return;
  seen[e->concept] = TRUE;
}

void
sd_chat_concepts_find (const SdChatConcepts *self,
                       GArray               *tokens,
                       GPtrArray            *out)
{
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (self->names->len, 1));
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) chars = g_string_new (NULL);
  guint prev_end = 0;

  /* Words and punctuation in order; the CJK characters as one string, runs that are not
   * adjacent kept apart by a space so no phrase spans the gap. */
  for (guint i = 0; i < tokens->len; i++)
    {
      const SdToken *t = &g_array_index (tokens, SdToken, i);
      if (t->kind == SD_TOKEN_CJK)
        {
          if (chars->len > 0 && t->start != prev_end)
            g_string_append_c (chars, ' ');
          g_string_append (chars, t->text);
          prev_end = t->end;
        }
      else if (t->kind != SD_TOKEN_CJK_BIGRAM && strcmp (t->text, "'") != 0 && strcmp (t->text, "’") != 0)
        g_ptr_array_add (words, without_apostrophes (t->text));
    }

  for (guint i = 0; i < words->len; i++)
    {
      GArray *list = g_hash_table_lookup (self->by_first, words->pdata[i]);
      for (guint k = 0; list && k < list->len; k++)
        match_at (self, g_array_index (list, guint, k), words, i, seen);
      for (guint k = 0; k < self->prefix_first->len; k++)
        match_at (self, g_array_index (self->prefix_first, guint, k), words, i, seen);
    }
  for (guint i = 0; chars->len > 0 && i < self->zh->len; i++)
    {
      const ZhPhrase *z = &g_array_index (self->zh, ZhPhrase, i);
      if (!seen[z->concept] && strstr (chars->str, z->chars) != NULL)
        seen[z->concept] = TRUE;
    }
  for (guint c = 0; c < self->names->len; c++)
    if (seen[c])
      g_ptr_array_add (out, self->names->pdata[c]);
}

void
sd_chat_concepts_find_in_text (const SdChatConcepts *self,
                               const char           *text,
                               GPtrArray            *out)
{
  g_autoptr(GArray) tokens = sd_tokenize (text ? text : "", -1,
                                          SD_TOKENIZE_KEEP_PUNCT);
  sd_chat_concepts_find (self, tokens, out);
}
