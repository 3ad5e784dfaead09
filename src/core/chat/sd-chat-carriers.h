/* sd-chat-carriers.h — the corpus's examples again, wrapped in what customers say around a question
 *
 * Real messages come wrapped: "hi, sorry to bother you, where is my parcel? thanks". A
 * classifier that only ever saw the bare question spends part of its average on words it
 * learnt nothing about, or worse, on "thanks" and "hi", which it learnt as intents of their
 * own. The chatbot's two classifiers are trained on a share of the corpus's examples a
 * second time with one carrier of data/chat-corpus/carriers.tsv before or after them, so
 * the carriers weigh on no intent but the social ones.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The share of examples (per cent) trained again with a carrier. Chosen on three inner
 * folds of the training part, each scored as written and wrapped in carriers the training
 * never saw (tests/test-chat-quality.c), by the mean of the four figures (two languages):
 * 0 % 0.877, 30 % 0.888, 50 % 0.890, 75 % 0.888, 100 % 0.892, measured before questions
 * out of scope had carriers too (README.md, "How well the chatbot understands"). */
#define SD_CHAT_CARRIER_PERCENT 100

/* @text wrapped in a carrier, or NULL when it is not among the @percent chosen (by a hash
 * of the text, so the same example always gets the same carrier) or its intent is a social
 * one (greeting, thanks, goodbye, yes, no): the carriers are what those say. Questions out of
 * scope get carriers too, or "please" would come to mean "in scope". */
char      *sd_chat_carriers_wrap          (const char *intent,
                                           const char *lang,
                                           const char *text,
                                           guint       percent);

/* New SdChatExamples (a GPtrArray that owns them): about @percent of @examples, chosen by a
 * hash of their text, each with a carrier before or after it (sd_chat_carriers_wrap()),
 * in the same paraphrase group. */
GPtrArray *sd_chat_carriers_wrap_examples (GPtrArray *examples,
                                           guint      percent);

/* Of the carriers' table: a model trained with other carriers is another model. */
const char *sd_chat_carriers_get_checksum (void);

G_END_DECLS
