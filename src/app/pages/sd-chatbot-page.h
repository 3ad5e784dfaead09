/* sd-chatbot-page.h — the live chatbot preview: a conversation as any customer, and
 * beside each answer what the chatbot understood and where the answer came from */
#pragma once

#include <adwaita.h>

#include "sd-dialogue.h"
#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_CHATBOT_PAGE (sd_chatbot_page_get_type ())
G_DECLARE_FINAL_TYPE (SdChatbotPage, sd_chatbot_page, SD, CHATBOT_PAGE, GtkWidget)

SdStore  *sd_chatbot_page_get_store  (SdChatbotPage *self);
void      sd_chatbot_page_set_store  (SdChatbotPage *self,
                                      SdStore       *store);
/* For tests and scripts: sends @message as the current customer (FALSE while the
 * chatbot is still answering or getting ready). */
gboolean  sd_chatbot_page_send       (SdChatbotPage *self,
                                      const char    *message);
/* TRUE while the chatbot gets ready or answers. */
gboolean  sd_chatbot_page_get_busy   (SdChatbotPage *self);
guint     sd_chatbot_page_get_n_turns (SdChatbotPage *self);
/* The last answer's intent and reply, or NULL. */
const char *sd_chatbot_page_get_last_intent (SdChatbotPage *self);
const char *sd_chatbot_page_get_last_reply  (SdChatbotPage *self);

/* Which replies the conversation shows: "template", "generated" (a language model's,
 * when it passes the guardrails) or "side-by-side" (both, with the verdict). */
const char *sd_chatbot_page_get_reply_mode (SdChatbotPage *self);
void        sd_chatbot_page_set_reply_mode (SdChatbotPage *self,
                                            const char    *mode);
/* TRUE while a language model writes a reply. */
gboolean    sd_chatbot_page_get_generating (SdChatbotPage *self);
/* Turn @turn's trace (its generation included), or NULL. */
const SdTurnTrace *sd_chatbot_page_get_trace (SdChatbotPage *self,
                                              guint          turn);

/* "Correct this": turn @turn's message becomes a training example of @intent and the
 * intent model retrains in the background; then the message is asked again. FALSE when
 * the example cannot be stored (the reason in @error). */
gboolean  sd_chatbot_page_correct    (SdChatbotPage *self,
                                      guint          turn,
                                      const char    *intent,
                                      GError       **error);

G_END_DECLS
