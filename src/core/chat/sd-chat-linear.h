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
void          sd_chat_linear_free    (SdChatLinear  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdChatLinear, sd_chat_linear_free)

/* The @n most likely intents, best first; returns how many were written. */
guint         sd_chat_linear_predict (SdChatLinear  *self,
                                      const char    *text,
                                      SdIntentGuess *top,
                                      guint          n);
guint         sd_chat_linear_get_n_intents (SdChatLinear *self);

G_END_DECLS
