/* sd-model-query.h — which trained models the shop keeps
 *
 * The Recommendations page lists the recommenders stored for the shop first in its model
 * pickers, and marks the others untrained. Reads only through @store (the models table:
 * a row per training, not per product or customer), so the main thread may call it as
 * well as a worker on its own connection.
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* The names (char *) of the models of @kind ("recommender", "intent", …) the shop has
 * stored, each once, sorted. */
GPtrArray *sd_model_query_stored_names (SdStore     *store,
                                        const char  *kind,
                                        GError     **error);

G_END_DECLS
