/* sd-chat-spelling.h — one-letter slips mended against the words the chatbot was taught
 *
 * A customer who types "refnd" or "cancell" gives the intent classifiers a word they
 * never saw; its character n-grams keep part of it, the word itself is lost. Before
 * classifying, each English word of four letters or more that no training example has
 * and that is one edit (a letter dropped, added, changed, or two swapped) from a word the
 * examples do have is replaced by the most frequent such word, unless it names a shop
 * concept (concepts.tsv) its replacement does not. Chinese text is left as it is.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SdChatSpelling SdChatSpelling;

/* The vocabulary of @examples (SdChatExample *). */
SdChatSpelling *sd_chat_spelling_new     (GPtrArray      *examples);
void            sd_chat_spelling_free    (SdChatSpelling *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdChatSpelling, sd_chat_spelling_free)

/* @text with its slips mended (a new string; @text itself when nothing changed, lower
 * case only where a word was replaced). */
char           *sd_chat_spelling_correct (SdChatSpelling *self,
                                          const char     *text);
/* How many times @word (lower case) occurs in the examples. */
guint           sd_chat_spelling_count   (SdChatSpelling *self,
                                          const char     *word);

G_END_DECLS
