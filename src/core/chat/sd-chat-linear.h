/* sd-chat-linear.h — a small softmax intent classifier, the dialogue's fallback
 *
 * The dialogue manager classifies through a function pointer (SdDialogueClassifyFunc);
 * this is what it uses when no other classifier is given: a linear softmax over
 * sd-text-features, trained by AdaGrad on the shop's chat examples in well under a
 * second. The trained fastText-style model (sd-intent-model) is the better one.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  const char *intent;   /* owned by the classifier */
  double      prob;
} SdIntentGuess;

typedef struct _SdChatLinear SdChatLinear;

/* Trains on @examples (SdChatExample *). NULL with @error when there are none. */
SdChatLinear *sd_chat_linear_train   (GPtrArray     *examples,
                                      guint          epochs,
                                      GCancellable  *cancellable,
                                      GError       **error);
/* The same, and the out-of-scope threshold chosen by sd-oos's rule (the one chat-eval
 * --valid uses) on a fifth of the paraphrase groups held out from a first training:
 * texts whose best intent is below it are out of scope, as are texts whose best intent is
 * @oos_intent. Costs a second training. */
SdChatLinear *sd_chat_linear_train_tuned (GPtrArray    *examples,
                                          guint         epochs,
                                          const char   *oos_intent,
                                          double        target_recall,
                                          GCancellable *cancellable,
                                          GError      **error);
/* The same, through a cache in the user cache folder (shopdesk/fallback-KEY.bin): KEY is
 * a SHA-256 of the trainer's version, its settings and every example (intent, language,
 * text, group) in order, so a staff edit or a correction makes a new key and the next
 * dialogue trains again; the four newest files are kept. A cache file that is damaged is
 * trained over; one that cannot be written is skipped. */
SdChatLinear *sd_chat_linear_train_cached (GPtrArray    *examples,
                                           guint         epochs,
                                           const char   *oos_intent,
                                           double        target_recall,
                                           GCancellable *cancellable,
                                           GError      **error);
char         *sd_chat_linear_cache_key   (GPtrArray    *examples,
                                          guint         epochs,
                                          const char   *oos_intent,
                                          double        target_recall);
/* Whether it came from the cache. */
gboolean      sd_chat_linear_is_cached   (SdChatLinear *self);
/* -1 when it was trained without tuning. */
double        sd_chat_linear_get_oos_threshold (SdChatLinear *self);
void          sd_chat_linear_free    (SdChatLinear  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdChatLinear, sd_chat_linear_free)

/* The @n most likely intents, best first; returns how many were written. */
guint         sd_chat_linear_predict (SdChatLinear  *self,
                                      const char    *text,
                                      SdIntentGuess *top,
                                      guint          n);
guint         sd_chat_linear_get_n_intents (SdChatLinear *self);
const char   *sd_chat_linear_get_intent    (SdChatLinear *self,
                                            guint         index);
/* @text with one-letter slips mended against the training examples' words
 * (sd-chat-spelling.h), as the predict functions read it; a new string. */
char         *sd_chat_linear_correct_spelling (SdChatLinear *self,
                                               const char   *text);
/* Every intent's probability into @probs (sd_chat_linear_get_n_intents() entries, in the
 * order of sd_chat_linear_get_intent()). */
void          sd_chat_linear_predict_probs (SdChatLinear *self,
                                            const char   *text,
                                            double       *probs);

G_END_DECLS
