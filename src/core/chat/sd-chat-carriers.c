/* sd-chat-carriers.c — the corpus's examples again, wrapped in greetings, pleas and thanks */
#include "config.h"

#include <string.h>

#include "sd-chat-carriers.h"
#include "sd-chat-corpus.h"

typedef struct {
  GPtrArray *before[2];   /* [0] English, [1] Chinese: char * */
  GPtrArray *after[2];
  GChecksum *checksum;    /* of every line read, while reading */
  char      *digest;      /* then its digest */
} Carriers;

static gboolean
collect_carrier (const char *const *fields,
                 gpointer           data,
                 GError           **error)
{
  Carriers *c = data;
  guint lang = g_str_has_prefix (fields[0], "zh") ? 1 : 0;

  for (guint f = 0; f < 3; f++)
    {
      g_checksum_update (c->checksum, (const guchar *) fields[f], -1);
      g_checksum_update (c->checksum, (const guchar *) (f < 2 ? "\t" : "\n"), 1);
    }
  g_ptr_array_add (strcmp (fields[1], "before") == 0 ? c->before[lang] : c->after[lang], g_strdup (fields[2]));
  return TRUE;
}

/* Read once: the table is part of the binary and never changes. */
static gpointer
load_carriers (gpointer data G_GNUC_UNUSED)
{
  Carriers *c = g_new0 (Carriers, 1);
  g_autoptr(GError) error = NULL;

  c->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint l = 0; l < 2; l++)
    {
      c->before[l] = g_ptr_array_new_with_free_func (g_free);
      c->after[l] = g_ptr_array_new_with_free_func (g_free);
    }
  if (!sd_chat_corpus_read_builtin_tsv ("carriers.tsv", 3, collect_carrier, c, &error))
    g_warning ("The chatbot's carriers could not be read: %s", error->message);
  c->digest = g_strdup (g_checksum_get_string (c->checksum));
  g_clear_pointer (&c->checksum, g_checksum_free);
  return c;
}

static const Carriers *
carriers (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_carriers, NULL);
}

static gboolean
is_social (const char *intent)
{
  static const char *const social[] = { "greeting", "thanks", "goodbye", "affirm", "deny" };

  for (guint i = 0; i < G_N_ELEMENTS (social); i++)
    if (strcmp (intent, social[i]) == 0)
      return TRUE;
  return FALSE;
}

static guint64
mix (guint64 h)
{
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h;
}

static char *
wrap (const char *text,
      guint       lang,
      gboolean    before,
      const char *carrier)
{
  if (lang == 1)
    return before ? g_strconcat (carrier, text, NULL) : g_strconcat (text, carrier, NULL);
  if (before)
    return g_strconcat (carrier, " ", text, NULL);
  /* ", thanks" and "?" follow the text directly; "please" after a space */
  return g_strconcat (text, g_ascii_ispunct (carrier[0]) && carrier[0] != '-' ? "" : " ", carrier, NULL);
}

const char *
sd_chat_carriers_get_checksum (void)
{
  return carriers ()->digest;
}

char *
sd_chat_carriers_wrap (const char *intent,
                       const char *lang,
                       const char *text,
                       guint       percent)
{
  const Carriers *c = carriers ();
  guint l = g_str_has_prefix (lang, "zh") ? 1 : 0;
  guint64 h = mix (g_str_hash (text) ^ ((guint64) g_str_hash (intent) << 32));
  gboolean before = (h >> 8) & 1;
  GPtrArray *list = before ? c->before[l] : c->after[l];

  if (h % 100 >= percent || is_social (intent) || list->len == 0)
    return NULL;
  return wrap (text, l, before, list->pdata[(h >> 16) % list->len]);
}

GPtrArray *
sd_chat_carriers_wrap_examples (GPtrArray *examples,
                                guint      percent)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chat_example_free);

  for (guint i = 0; examples && i < examples->len; i++)
    {
      SdChatExample *e = examples->pdata[i];
      char *text = sd_chat_carriers_wrap (e->intent, e->lang, e->text, percent);

      if (text == NULL)
        continue;
      SdChatExample *copy = g_new0 (SdChatExample, 1);
      copy->intent = g_strdup (e->intent);
      copy->lang = g_strdup (e->lang);
      copy->text = text;
      copy->source = e->source;
      copy->group = g_strdup (e->group);
      g_ptr_array_add (out, copy);
    }
  return out;
}
