/* sd-chat-concepts.h — shop concepts a message names, from a hand-written lexicon
 *
 * data/chat-corpus/concepts.tsv maps words and phrases of customers, English and Chinese,
 * to shop concepts: "money back", "reimburse", 退钱 are all `refund`; "package",
 * "shipment", 快递 are all `parcel`. The intent model adds one feature per concept a text
 * names, so a paraphrase that uses a synonym the corpus never used still lands on the
 * features its intent was trained on.
 *
 * The lexicon is compiled in (the core GResource, like the corpus) and read once; finding
 * concepts is thread-safe.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SdChatConcepts SdChatConcepts;

/* The built-in lexicon, read at the first call; never freed. NULL (with a warning) only
 * when the compiled-in file is damaged, which a test catches. */
const SdChatConcepts *sd_chat_concepts_builtin (void);

/* Parses a lexicon (the format of concepts.tsv); @name is for messages. */
SdChatConcepts *sd_chat_concepts_parse   (const char  *contents,
                                          gsize        length,
                                          const char  *name,
                                          GError     **error);
void            sd_chat_concepts_free    (SdChatConcepts *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdChatConcepts, sd_chat_concepts_free)

/* The concepts @tokens (SdToken from sd_tokenize(), case-folded) name, each once, in the
 * order the lexicon lists them, appended to @out (const char *, owned by @self). */
void            sd_chat_concepts_find    (const SdChatConcepts *self,
                                          GArray               *tokens,
                                          GPtrArray            *out);
/* The same from a text. */
void            sd_chat_concepts_find_in_text (const SdChatConcepts *self,
                                               const char           *text,
                                               GPtrArray            *out);
guint           sd_chat_concepts_get_n_phrases (const SdChatConcepts *self);
/* A SHA-256 of the lexicon's text, for caches of models trained with it. */
const char     *sd_chat_concepts_get_checksum  (const SdChatConcepts *self);

G_END_DECLS
