/* sd-llm-reply.h — one turn's generated reply: prompt, model, guardrails, verdict
 *
 * The hook after the dialogue manager has made its template reply: if the turn is one a
 * model may phrase, ask it (streaming), put the customer's details back, run the
 * guardrails against the turn's real facts, and say whether the generated text is used.
 * A server that is down, slow or broken leaves the template reply in place with a status
 * saying why ("language model unreachable — answered from templates").
 */
#pragma once

#include "sd-grounding.h"
#include "sd-guardrails.h"
#include "sd-llm-client.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_REPLY_MODE_TEMPLATE,      /* the templates only */
  SD_REPLY_MODE_GENERATED,     /* the model's reply when it passes, the template's when not */
  SD_REPLY_MODE_SIDE_BY_SIDE,  /* both shown (for demos); the customer gets what Generated sends */
} SdReplyMode;

typedef struct {
  char  *tone;                 /* chat.tone */
  gboolean share_identity;     /* chat.llm.share_identity */
  GStrv  products;             /* the catalogue's titles, for the product check */
} SdLlmShopContext;

void              sd_llm_shop_context_free (SdLlmShopContext *context);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdLlmShopContext, sd_llm_shop_context_free)
/* The shop's settings and catalogue titles (a worker's own store). */
SdLlmShopContext *sd_llm_shop_context_load (SdStore *store,
                                            GError **error);

/* Whether a model is asked to phrase this turn: answers, questions and offers; never a
 * refusal (it must stay exactly as worded) or a message that could not be used. */
gboolean          sd_llm_reply_wanted      (const SdTurnTrace *trace);

/* The status line for people: NULL when the generated reply was used. */
const char       *sd_llm_reply_status_text (const SdTurnGeneration *generation);

SdTurnGeneration *sd_llm_reply_generate    (SdLlmClient            *client,
                                            const SdLlmShopContext *shop,
                                            const char             *customer_name,
                                            const SdTurnTrace      *trace,
                                            SdLlmTokenFunc          on_token,
                                            gpointer                user_data,
                                            GCancellable           *cancellable);

G_END_DECLS
