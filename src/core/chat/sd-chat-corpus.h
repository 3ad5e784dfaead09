/* sd-chat-corpus.h — the chatbot's training examples, intents and reply templates
 *
 * The built-in corpus (the TSV files in data/chat-corpus, compiled into the core as a GResource)
 * is written into the chat_* tables the first time a shop is used, so the app can show
 * and edit it; staff add their own intents and examples, and corrections from the
 * Chatbot page land here too (source "correction").
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_CHAT_SOURCE_BUILTIN,
  SD_CHAT_SOURCE_STAFF,
  SD_CHAT_SOURCE_CORRECTION,
} SdChatSource;

const char *sd_chat_source_to_string (SdChatSource source);

typedef struct {
  char         *intent;
  char         *lang;     /* "en" or "zh_CN" */
  char         *text;
  SdChatSource  source;
  /* The paraphrase group of a built-in example ("en:order_status.12", or the file and
   * line for a line without one), so that held-out tests keep paraphrases together; NULL
   * for examples read from a store. */
  char         *group;
} SdChatExample;

void sd_chat_example_free (SdChatExample *example);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdChatExample, sd_chat_example_free)

/* The built-in examples for @lang ("en", "zh_CN"), or both when NULL, without a store:
 * a GPtrArray of SdChatExample. A corpus line is `intent<TAB>text`, optionally followed by
 * `<TAB>group`, the name of its paraphrase group. */
GPtrArray  *sd_chat_corpus_builtin_examples (const char  *lang,
                                             GError     **error);

/* Calls @func with the fields of each line of the built-in TSV resource @name (a file of
 * data/chat-corpus), read with the CSV reader: tab-separated, no quoting, blank lines and
 * lines starting with # skipped, every other line exactly @n_fields fields of UTF-8. The
 * fields live until @func returns. Stops at the first line @func fails. */
typedef gboolean (*SdChatTsvFunc) (const char *const *fields,
                                   gpointer           data,
                                   GError           **error);
gboolean    sd_chat_corpus_read_builtin_tsv (const char     *name,
                                             guint           n_fields,
                                             SdChatTsvFunc   func,
                                             gpointer        data,
                                             GError        **error);

/* Brings the built-in intents, examples and templates into @store: all of them the first
 * time; after Shopdesk's corpus changed, the examples it added (less any the staff removed),
 * its new templates and the newer wording of its own, and without the built-in examples it
 * dropped. The staff's own
 * examples and intents, corrections and edited templates are kept. Nothing is done when
 * the shop already has this corpus. */
gboolean    sd_chat_corpus_seed          (SdStore     *store,
                                          GError     **error);

/* All examples in the store for @lang (or every language when NULL), ordered by id. */
GPtrArray  *sd_chat_corpus_load_examples (SdStore     *store,
                                          const char  *lang,
                                          GError     **error);
/* A SHA-256 of @examples (SdChatExample: intent, language, text, group, in order): what a
 * model trained on them was made of. */
char       *sd_chat_corpus_examples_digest (GPtrArray *examples);
/* Intent names, sorted. */
GStrv       sd_chat_corpus_list_intents  (SdStore     *store,
                                          GError     **error);

/* A new intent from staff; its name is a lowercase identifier ([a-z0-9_]). Returns its id,
 * or the existing id when it is already there; 0 on error. */
gint64      sd_chat_corpus_add_intent    (SdStore     *store,
                                          const char  *name,
                                          const char  *description,
                                          GError     **error);
/* Adds an example (the intent must exist). Returns the row id (the existing one for a
 * duplicate); 0 on error. */
gint64      sd_chat_corpus_add_example   (SdStore     *store,
                                          const char  *intent,
                                          const char  *lang,
                                          const char  *text,
                                          SdChatSource source,
                                          GError     **error);
gboolean    sd_chat_corpus_remove_example (SdStore    *store,
                                           gint64      example_id,
                                           GError    **error);

/* The reply template for @intent (or a form step like "order_status.ask", or "sys.*") in
 * @lang, falling back to English; NULL when there is none. @id gets its row id. */
char       *sd_chat_corpus_get_template  (SdStore     *store,
                                          const char  *intent,
                                          const char  *lang,
                                          gint64      *id);
gboolean    sd_chat_corpus_set_template  (SdStore     *store,
                                          const char  *intent,
                                          const char  *lang,
                                          const char  *text,
                                          GError     **error);

/* Saves a conversation (a JSON array of turns) as a test case; returns its id. */
gint64      sd_chat_corpus_save_test     (SdStore     *store,
                                          const char  *name,
                                          gint64       customer_id,
                                          const char  *lang,
                                          const char  *transcript_json,
                                          GError     **error);

typedef struct {
  gint64  id;
  char   *name;
  gint64  customer_id;   /* 0: anonymous */
  char   *lang;
  char   *transcript;    /* JSON */
} SdChatTest;

void        sd_chat_test_free            (SdChatTest  *test);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdChatTest, sd_chat_test_free)

/* The saved test conversations (SdChatTest *), oldest first. */
GPtrArray  *sd_chat_corpus_load_tests    (SdStore     *store,
                                          GError     **error);
gboolean    sd_chat_corpus_delete_test   (SdStore     *store,
                                          gint64       test_id,
                                          GError     **error);

G_END_DECLS
