/* sd-intent-names.h — the chatbot's intents as people read them
 *
 * Intents are identifiers ("delivery_problem") in the corpus, the models and corrections;
 * pages show a title in the user's language and keep the identifier for tooltips. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The translated title of @intent; an intent the chatbot does not know (a shop's own, added
 * through corrections) is returned as it is. NULL gives NULL. */
const char *sd_intent_title (const char *intent);

G_END_DECLS
