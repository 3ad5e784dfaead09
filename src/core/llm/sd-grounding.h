/* sd-grounding.h — what a language model is told for one turn
 *
 * Only this turn: the facts the dialogue manager found (a short list), the template reply
 * made from them, the intent, sentiment and language, the shop's tone, and the
 * instruction to answer in the customer's language. Nothing of other customers can be in
 * it, since the dialogue never gives their data to a turn. The customer's name, e-mail
 * addresses and phone numbers are replaced by placeholders unless the shop allows them
 * (setting chat.llm.share_identity), and put back into the reply on this machine.
 */
#pragma once

#include "sd-dialogue.h"

G_BEGIN_DECLS

typedef struct {
  const char *tone;             /* the shop's chat.tone: "friendly", "formal", or its own words */
  gboolean    share_identity;   /* names, e-mails and phone numbers may be sent */
  const char *customer_name;    /* the customer's name, to leave out (NULL: none known) */
} SdGroundingOptions;

typedef struct {
  char      *system_prompt;
  char      *user_prompt;
  GPtrArray *placeholders;      /* char *: placeholder, original, placeholder, original, … */
  GPtrArray *names;             /* char *: the customer's name and its parts, to leave out */
} SdGrounding;

SdGrounding *sd_grounding_new     (const SdTurnTrace        *trace,
                                   const SdGroundingOptions *options);
void         sd_grounding_free    (SdGrounding              *grounding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdGrounding, sd_grounding_free)
/* Whether fact @i of @trace is one of this turn's: the shape of an order number the
 * dialogue offers every turn ("order_example") only when the draft shows it. */
gboolean     sd_grounding_fact_used (const SdTurnTrace      *trace,
                                     guint                   i);
/* @reply with the placeholders put back ("[name]" → the customer's name). */
char        *sd_grounding_restore (const SdGrounding        *grounding,
                                   const char               *reply);

G_END_DECLS
